UPDATE subscriptions SET secret_enc = ?, updated_at = now() WHERE id = ? AND deleted_at IS NULL
