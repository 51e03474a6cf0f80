-- One statement, one transaction: the event and one outbox row per active subscription for its type
-- (or '*'). A repeated event_id inserts nothing and returns no row (the unique constraint decides,
-- so concurrent repeats cannot both win).
WITH new_event AS (
    INSERT INTO events (id, event_id, event_type, payload, source, correlation_id, created_at)
    VALUES (?::uuid, ?, ?, ?::jsonb, ?, ?, ?)
    ON CONFLICT (event_id) DO NOTHING
    RETURNING id, event_type, created_at
), outbox AS (
    INSERT INTO deliveries (event_id, subscription_id, agency_id, event_type, payload, correlation_id,
                            created_at, next_attempt_at)
    SELECT e.id, s.id, s.agency_id, e.event_type, ?, ?, e.created_at, e.created_at
      FROM new_event e
      JOIN subscriptions s ON s.id = ANY (?::bigint[])
                          AND s.active AND s.deleted_at IS NULL
                          AND (s.event_type = e.event_type OR s.event_type = '*')
    RETURNING id, subscription_id
)
SELECT e.id AS event_uuid, o.id AS delivery_id
  FROM new_event e
  LEFT JOIN outbox o ON true
