-- Every active subscription's id and event type (the fan-out cache).
SELECT id, event_type FROM subscriptions WHERE active AND deleted_at IS NULL
