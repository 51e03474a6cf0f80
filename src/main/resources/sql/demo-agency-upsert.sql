-- A demo agency keeps its secret across restarts; its URL follows the built-in receiver's port.
INSERT INTO agencies (name, display_name, webhook_url, secret_enc)
VALUES (?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE
   SET webhook_url = EXCLUDED.webhook_url, updated_at = now()
 WHERE agencies.webhook_url LIKE '%/demo/agencies/%'
   AND agencies.webhook_url <> EXCLUDED.webhook_url
