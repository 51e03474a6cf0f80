INSERT INTO partners (name, secret_enc) VALUES (?, ?) RETURNING id, created_at
