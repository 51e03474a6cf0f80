-- Catalogue: a code resolves to its batch, product, manufacturer and (through the manufacturer) category.
CREATE TABLE manufacturers (
    id          bigserial PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    category    text        NOT NULL CHECK (category IN ('drugs', 'food', 'cosmetics', 'other')),
    country     text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
    id                  bigserial PRIMARY KEY,
    manufacturer_id     bigint      NOT NULL REFERENCES manufacturers (id),
    name                text        NOT NULL,
    registration_number text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (manufacturer_id, name)
);

CREATE TABLE batches (
    id              bigserial PRIMARY KEY,
    product_id      bigint NOT NULL REFERENCES products (id),
    batch_number    text   NOT NULL,
    manufactured_on date,
    expires_on      date,
    UNIQUE (product_id, batch_number)
);

CREATE TABLE product_codes (
    id            bigserial PRIMARY KEY,
    code          text        NOT NULL UNIQUE,
    batch_id      bigint      NOT NULL REFERENCES batches (id),
    is_flagged    boolean     NOT NULL DEFAULT false,
    flag_reason   text,
    flag_severity text,
    flagged_at    timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Agencies receive alerts on their webhook; secrets are AES-GCM ciphertext, never plaintext.
CREATE TABLE agencies (
    id                 bigserial PRIMARY KEY,
    name               text        NOT NULL UNIQUE,
    display_name       text,
    webhook_url        text,
    webhook_active     boolean     NOT NULL DEFAULT true,
    secret_enc         text,
    signing_algorithm  text        NOT NULL DEFAULT 'hmac-sha256'
                                   CHECK (signing_algorithm IN ('hmac-sha256', 'ed25519')),
    custom_headers     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    case_number_field  text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agency_rate_limits (
    agency_id        bigint      PRIMARY KEY REFERENCES agencies (id) ON DELETE CASCADE,
    alerts_per_hour  integer     NOT NULL DEFAULT 100 CHECK (alerts_per_hour >= 0),
    alerts_per_day   integer     NOT NULL DEFAULT 1000 CHECK (alerts_per_day >= 0),
    hour_count       integer     NOT NULL DEFAULT 0,
    day_count        integer     NOT NULL DEFAULT 0,
    throttled_until  timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE flags (
    id                  uuid        PRIMARY KEY,
    code_id             bigint      NOT NULL REFERENCES product_codes (id),
    reason              text        NOT NULL CHECK (reason IN ('counterfeit', 'suspicious', 'blacklisted', 'expired', 'other')),
    severity            text        NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    note                text,
    reported_by         text,
    idempotency_key     text        UNIQUE,
    request_fingerprint text,
    correlation_id      text        NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX flags_code_idx ON flags (code_id);
CREATE INDEX flags_created_idx ON flags (created_at);

-- The transactional outbox: one row per agency that must hear of an event.
CREATE TABLE deliveries (
    id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    flag_id          uuid        REFERENCES flags (id),
    agency_id        bigint      NOT NULL REFERENCES agencies (id),
    event_type       text        NOT NULL,
    payload          text        NOT NULL,
    severity_rank    smallint    NOT NULL DEFAULT 0,
    status           text        NOT NULL DEFAULT 'pending'
                                 CHECK (status IN ('pending', 'throttled', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    lease_owner      text,
    lease_until      timestamptz,
    last_http_status integer,
    last_error       text,
    case_number      text,
    correlation_id   text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz
);
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_throttled_idx ON deliveries (agency_id, severity_rank DESC, created_at) WHERE status = 'throttled';
CREATE INDEX deliveries_flag_idx ON deliveries (flag_id);
CREATE INDEX deliveries_agency_status_idx ON deliveries (agency_id, status);

-- Every delivery attempt, whatever its outcome.
CREATE TABLE webhook_logs (
    id           bigserial   PRIMARY KEY,
    delivery_id  uuid        NOT NULL,
    agency_id    bigint      NOT NULL REFERENCES agencies (id),
    attempt      integer     NOT NULL,
    outcome      text        NOT NULL,
    http_status  integer,
    duration_ms  integer,
    error        text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_logs_delivery_idx ON webhook_logs (delivery_id);
CREATE INDEX webhook_logs_agency_time_idx ON webhook_logs (agency_id, created_at DESC);
