-- Generic event relay: subscriptions are delivery targets of their own (URL or Camel endpoint URI,
-- secret, headers, active) for one event type or '*', optionally linked to an agency (whose quota
-- then applies). The outbox stays one table: a delivery goes to an agency (code.flagged by the
-- routing rules) or to a subscription (deliveries.subscription_id).
CREATE TABLE subscriptions (
    id              bigserial   PRIMARY KEY,
    name            text        NOT NULL,
    event_type      text        NOT NULL,
    target          text        NOT NULL,
    secret_enc      text        NOT NULL,
    active          boolean     NOT NULL DEFAULT true,
    custom_headers  jsonb       NOT NULL DEFAULT '{}'::jsonb,
    agency_id       bigint      REFERENCES agencies (id),
    deleted_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX subscriptions_name_idx ON subscriptions (name) WHERE deleted_at IS NULL;
CREATE INDEX subscriptions_active_type_idx ON subscriptions (event_type) WHERE active AND deleted_at IS NULL;

-- Events partners push; event_id is the partner's idempotency key.
CREATE TABLE events (
    id              uuid        PRIMARY KEY,
    event_id        text        NOT NULL UNIQUE,
    event_type      text        NOT NULL,
    payload         jsonb       NOT NULL,
    source          text,
    correlation_id  text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_created_idx ON events (created_at);

ALTER TABLE deliveries ALTER COLUMN agency_id DROP NOT NULL;
-- cancelled: a code.flagged delivery not yet sent when its code was unflagged (the agency never heard of it)
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
    CHECK (status IN ('pending', 'throttled', 'delivered', 'failed', 'cancelled'));
ALTER TABLE deliveries ADD COLUMN subscription_id bigint REFERENCES subscriptions (id);
ALTER TABLE deliveries ADD COLUMN event_id uuid REFERENCES events (id);
ALTER TABLE deliveries ADD CONSTRAINT deliveries_has_target CHECK (agency_id IS NOT NULL OR subscription_id IS NOT NULL);
CREATE INDEX deliveries_event_idx ON deliveries (event_id) WHERE event_id IS NOT NULL;
-- attempts at subscription targets are logged too; their agency is the linked one, if any
ALTER TABLE webhook_logs ALTER COLUMN agency_id DROP NOT NULL;

-- Unflag: when the code was last cleared, so the next unflag only answers for later flags.
ALTER TABLE product_codes ADD COLUMN unflagged_at timestamptz;
ALTER TABLE product_codes ADD COLUMN unflag_reason text;

-- Inbound partner webhooks: each partner signs with its own secret (AES-GCM at rest).
CREATE TABLE partners (
    id          bigserial   PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    secret_enc  text        NOT NULL,
    active      boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Raw inbound events, deduplicated on (partner, webhook-id); housekeeping purges by received_at.
CREATE TABLE inbound_events (
    id           bigserial   PRIMARY KEY,
    partner      text        NOT NULL,
    webhook_id   text        NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    body         text        NOT NULL,
    outcome      text        NOT NULL DEFAULT 'processing'
                             CHECK (outcome IN ('processing', 'event', 'flag', 'ignored', 'rejected')),
    result       jsonb,
    UNIQUE (partner, webhook_id)
);
CREATE INDEX inbound_events_received_idx ON inbound_events (received_at);
