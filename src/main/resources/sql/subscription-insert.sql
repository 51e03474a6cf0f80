-- A new subscription; agency_id is the optional linked agency (its quota applies to the deliveries).
INSERT INTO subscriptions (name, event_type, target, secret_enc, active, custom_headers, agency_id)
VALUES (?, ?, ?, ?, ?, ?::jsonb, ?)
RETURNING id
