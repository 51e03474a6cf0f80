UPDATE inbound_events SET outcome = ?, result = ?::jsonb WHERE id = ?
