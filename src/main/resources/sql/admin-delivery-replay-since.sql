-- Replay every delivery that failed (was dead-lettered) at or after a time, optionally for one agency.
UPDATE deliveries d
   SET status = 'pending', retry_round = 0, next_attempt_at = now(), lease_owner = NULL, lease_until = NULL,
       updated_at = now()
  FROM agencies a
 WHERE a.id = d.agency_id
   AND d.status = 'failed'
   AND d.updated_at >= ?
   AND (?::text IS NULL OR a.name = ?)
RETURNING d.id
