SELECT d.id, s.name AS subscription, s.target, d.event_type, d.status, d.attempts, d.last_http_status,
       d.last_error, d.next_attempt_at, d.created_at, d.delivered_at
  FROM deliveries d
  JOIN subscriptions s ON s.id = d.subscription_id
 WHERE d.event_id = ?::uuid
 ORDER BY s.name, d.created_at
