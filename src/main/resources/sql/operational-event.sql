INSERT INTO operational_events (event_type, agency_id, delivery_id, detail) VALUES (?, ?, ?::uuid, ?::jsonb)
