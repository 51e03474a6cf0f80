-- Manufacturers with their catalogue size and flags, most flagged first; optional category filter.
-- Run by camel-sql (routes/admin-analytics.camel.yaml): :#category and :#limit are message headers.
SELECT m.id, m.name, m.category, m.country,
       count(DISTINCT p.id)  AS products,
       count(DISTINCT pc.id) AS codes,
       count(DISTINCT pc.id) FILTER (WHERE pc.is_flagged) AS flagged_codes,
       count(DISTINCT f.id)  AS flags
  FROM manufacturers m
  LEFT JOIN products p ON p.manufacturer_id = m.id
  LEFT JOIN batches b ON b.product_id = p.id
  LEFT JOIN product_codes pc ON pc.batch_id = b.id
  LEFT JOIN flags f ON f.code_id = pc.id
 WHERE CAST(:#category AS text) IS NULL OR m.category = CAST(:#category AS text)
 GROUP BY m.id
 ORDER BY flags DESC, flagged_codes DESC, m.name
 LIMIT :#limit
