SELECT id, outcome, result::text AS result, received_at FROM inbound_events WHERE partner = ? AND webhook_id = ?
