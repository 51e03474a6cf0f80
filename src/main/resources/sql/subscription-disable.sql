-- A subscription target answered 410 Gone: stop sending to it until an admin turns it back on.
UPDATE subscriptions SET active = false, updated_at = now() WHERE id = ?
