-- Agencies (with an active webhook) that were told of flags in [since, until) not yet in one of their digests.
SELECT DISTINCT d.agency_id
  FROM deliveries d
  JOIN flags f ON f.id = d.flag_id
  JOIN agencies a ON a.id = d.agency_id AND a.webhook_active AND a.webhook_url IS NOT NULL
 WHERE d.event_type = 'code.flagged'
   AND f.created_at >= ? AND f.created_at < ?
   AND NOT EXISTS (SELECT 1 FROM flag_digests g WHERE g.agency_id = d.agency_id AND g.flag_id = f.id)
 ORDER BY d.agency_id
