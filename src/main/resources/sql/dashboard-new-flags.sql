-- Flags recorded since a moment (the live feed looks back a little and drops what it already sent).
SELECT f.id, f.reason, f.severity, f.created_at, c.code, p.name AS product_name,
       m.name AS manufacturer_name, m.category
  FROM flags f
  JOIN product_codes c ON c.id = f.code_id
  JOIN batches b       ON b.id = c.batch_id
  JOIN products p      ON p.id = b.product_id
  JOIN manufacturers m ON m.id = p.manufacturer_id
 WHERE f.created_at > ?
 ORDER BY f.created_at
 LIMIT ?
