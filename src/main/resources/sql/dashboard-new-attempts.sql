-- Delivery attempts logged after an id (the live feed overlaps a little and drops what it already sent).
SELECT l.id, l.delivery_id, l.attempt, l.outcome, l.http_status, l.duration_ms, l.error, l.created_at,
       COALESCE(a.name, 'subscription:' || s.name) AS agency, d.status
  FROM webhook_logs l
  LEFT JOIN deliveries d    ON d.id = l.delivery_id
  LEFT JOIN agencies a      ON a.id = l.agency_id
  LEFT JOIN subscriptions s ON s.id = d.subscription_id
 WHERE l.id > ?
 ORDER BY l.id
 LIMIT ?
