SELECT f.id AS flag_id, f.reason, f.severity, f.note, f.reported_by, f.correlation_id, f.created_at,
       c.code, c.is_flagged, p.name AS product_name, m.name AS manufacturer_name, m.category
  FROM flags f
  JOIN product_codes c ON c.id = f.code_id
  JOIN batches b       ON b.id = c.batch_id
  JOIN products p      ON p.id = b.product_id
  JOIN manufacturers m ON m.id = p.manufacturer_id
 WHERE f.id = ?::uuid
