-- A broker redelivered a message whose first processing never finished (the instance died, or a
-- rebalance moved its partition): take the stored row over. Creating its flag or event again is
-- safe, both are idempotent on the message (Idempotency-Key partner:<name>:<webhook-id>, event id).
SELECT id FROM inbound_events WHERE partner = ? AND webhook_id = ? AND outcome = 'processing'
