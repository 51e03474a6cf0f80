UPDATE agencies SET webhook_active = NOT webhook_active, updated_at = now() WHERE name = ? RETURNING webhook_active
