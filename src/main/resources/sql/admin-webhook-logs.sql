SELECT l.id, l.delivery_id, d.event_type, l.attempt, l.outcome, l.http_status, l.duration_ms, l.error, l.created_at
  FROM webhook_logs l
  JOIN agencies a ON a.id = l.agency_id
  LEFT JOIN deliveries d ON d.id = l.delivery_id
 WHERE a.name = ?
 ORDER BY l.created_at DESC, l.id DESC
 LIMIT ?
