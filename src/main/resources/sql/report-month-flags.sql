-- Flags of one month [since, until) by category, severity and reason, plus the total (grouping sets).
SELECT GROUPING(m.category) AS g_category, GROUPING(f.severity) AS g_severity, GROUPING(f.reason) AS g_reason,
       m.category, f.severity, f.reason, count(*) AS flags
  FROM flags f
  JOIN product_codes pc ON pc.id = f.code_id
  JOIN batches b ON b.id = pc.batch_id
  JOIN products p ON p.id = b.product_id
  JOIN manufacturers m ON m.id = p.manufacturer_id
 WHERE f.created_at >= ? AND f.created_at < ?
 GROUP BY GROUPING SETS ((m.category), (f.severity), (f.reason), ())
