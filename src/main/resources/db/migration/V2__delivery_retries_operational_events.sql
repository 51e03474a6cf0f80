-- Durable retry rounds (after in-process redelivery) and the operational events admins are told of.
ALTER TABLE deliveries ADD COLUMN retry_round integer NOT NULL DEFAULT 0;

CREATE TABLE operational_events (
    id          bigserial   PRIMARY KEY,
    event_type  text        NOT NULL,
    agency_id   bigint      REFERENCES agencies (id),
    delivery_id uuid,
    detail      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX operational_events_time_idx ON operational_events (created_at DESC);
