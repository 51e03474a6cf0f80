-- One agency's flags in [since, until) not yet digested, with what an agency needs to recognise them, oldest first.
SELECT f.id, f.created_at, f.severity, f.reason, pc.code, p.name AS product, m.name AS manufacturer, m.category,
       d.case_number
  FROM deliveries d
  JOIN flags f ON f.id = d.flag_id
  JOIN product_codes pc ON pc.id = f.code_id
  JOIN batches b ON b.id = pc.batch_id
  JOIN products p ON p.id = b.product_id
  JOIN manufacturers m ON m.id = p.manufacturer_id
 WHERE d.agency_id = ? AND d.event_type = 'code.flagged'
   AND f.created_at >= ? AND f.created_at < ?
   AND NOT EXISTS (SELECT 1 FROM flag_digests g WHERE g.agency_id = d.agency_id AND g.flag_id = f.id)
 ORDER BY f.created_at, f.id
