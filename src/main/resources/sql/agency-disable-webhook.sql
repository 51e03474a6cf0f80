UPDATE agencies SET webhook_active = false, updated_at = now() WHERE id = ?
