-- An agency's webhook as admins may see it (the secret columns are read only to derive public keys).
SELECT a.id, a.name, a.display_name, a.webhook_url, a.webhook_active, a.custom_headers::text AS custom_headers,
       a.signing_algorithm, a.secret_enc, a.previous_secret_enc, a.previous_secret_until,
       a.previous_secret_until > now() AS in_grace, a.updated_at
  FROM agencies a
 WHERE a.name = ?
