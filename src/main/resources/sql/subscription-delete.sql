-- Soft delete: its deliveries keep their history; the subscription gets nothing more.
UPDATE subscriptions SET deleted_at = now(), active = false, updated_at = now() WHERE id = ? AND deleted_at IS NULL
