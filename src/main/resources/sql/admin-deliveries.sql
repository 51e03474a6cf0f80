-- Deliveries, newest first, filtered by agency (or 'subscription:<name>'), status and creation time
-- (each filter optional).
SELECT d.id, COALESCE(a.name, 'subscription:' || s.name) AS agency, d.flag_id, d.event_type, d.status, d.attempts, d.retry_round, d.last_http_status,
       d.last_error, d.case_number, d.correlation_id, d.next_attempt_at, d.created_at, d.updated_at, d.delivered_at
  FROM deliveries d
  LEFT JOIN agencies a ON a.id = d.agency_id
  LEFT JOIN subscriptions s ON s.id = d.subscription_id
 WHERE (?::text IS NULL OR COALESCE(a.name, 'subscription:' || s.name) = ?)
   AND (?::text IS NULL OR d.status = ?)
   AND (?::timestamptz IS NULL OR d.created_at >= ?)
 ORDER BY d.created_at DESC, d.id
 LIMIT ?
