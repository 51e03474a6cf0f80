-- Dedupe on (partner, webhook-id): only the first delivery of a partner's message inserts a row.
INSERT INTO inbound_events (partner, webhook_id, body)
VALUES (?, ?, ?)
ON CONFLICT (partner, webhook_id) DO NOTHING
RETURNING id
