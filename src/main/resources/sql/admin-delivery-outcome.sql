-- A delivery's state and its first logged attempt (the answer to a webhook test).
SELECT d.status, d.attempts, d.last_http_status, d.last_error,
       l.attempt, l.outcome, l.http_status, l.duration_ms, l.error
  FROM deliveries d
  LEFT JOIN LATERAL (SELECT * FROM webhook_logs w WHERE w.delivery_id = d.id ORDER BY w.attempt LIMIT 1) l ON true
 WHERE d.id = ?::uuid
