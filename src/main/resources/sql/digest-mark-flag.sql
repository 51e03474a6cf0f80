INSERT INTO flag_digests (flag_id, agency_id, delivery_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING
