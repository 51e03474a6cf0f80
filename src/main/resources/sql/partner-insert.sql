INSERT INTO partners (name, secret_enc, transport, source) VALUES (?, ?, ?, ?) RETURNING id, created_at
