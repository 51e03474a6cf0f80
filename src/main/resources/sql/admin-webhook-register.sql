-- Register (or re-register) an agency's webhook with a fresh secret; a re-registration replaces the
-- URL, headers and secret at once (rotate-secret is the path with a grace period).
INSERT INTO agencies (name, display_name, webhook_url, webhook_active, secret_enc, signing_algorithm, custom_headers)
VALUES (?, ?, ?, true, ?, ?, ?::jsonb)
ON CONFLICT (name) DO UPDATE
   SET webhook_url = EXCLUDED.webhook_url, webhook_active = true, secret_enc = EXCLUDED.secret_enc,
       signing_algorithm = EXCLUDED.signing_algorithm, custom_headers = EXCLUDED.custom_headers,
       display_name = COALESCE(EXCLUDED.display_name, agencies.display_name),
       previous_secret_enc = NULL, previous_secret_until = NULL, updated_at = now()
RETURNING id, (xmax = 0) AS created
