-- A webhook.test message goes into the outbox like any alert, so it takes the real delivery path.
INSERT INTO deliveries (agency_id, event_type, payload, severity_rank, correlation_id)
SELECT id, 'webhook.test', ?, 0, ? FROM agencies WHERE name = ?
RETURNING id
