-- Audit log of every admin change (who, what, when, result), and the previous webhook secret an
-- agency keeps signing with for a grace period after a rotation.
CREATE TABLE audit_log (
    id          bigserial   PRIMARY KEY,
    actor       text        NOT NULL,
    action      text        NOT NULL,
    method      text        NOT NULL,
    resource    text        NOT NULL,
    outcome     text        NOT NULL CHECK (outcome IN ('success', 'failure')),
    http_status integer,
    before      jsonb,
    after       jsonb,
    detail      text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_time_idx ON audit_log (created_at DESC, id DESC);

ALTER TABLE agencies ADD COLUMN previous_secret_enc text;
ALTER TABLE agencies ADD COLUMN previous_secret_until timestamptz;
