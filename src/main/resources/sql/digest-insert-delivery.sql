-- One digest message as an outbox row: the delivery pipeline signs, paces, counts and retries it.
INSERT INTO deliveries (id, agency_id, event_type, payload, severity_rank, correlation_id)
VALUES (?, ?, 'digest.weekly', ?, 0, ?)
