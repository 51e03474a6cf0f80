SELECT f.id AS flag_id, f.request_fingerprint, c.code, m.category
  FROM flags f
  JOIN product_codes c ON c.id = f.code_id
  JOIN batches b       ON b.id = c.batch_id
  JOIN products p      ON p.id = b.product_id
  JOIN manufacturers m ON m.id = p.manufacturer_id
 WHERE f.idempotency_key = ?
