SELECT id, event_id, event_type, payload::text AS payload, source, correlation_id, created_at
  FROM events
 WHERE event_id = ?
