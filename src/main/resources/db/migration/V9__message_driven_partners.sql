-- Message-driven partners (SPEC §12): a partner pushes signed webhooks over HTTP (the default) or
-- publishes them to a broker topic/queue the relay consumes. One source is consumed for one partner.
ALTER TABLE partners ADD COLUMN transport text NOT NULL DEFAULT 'http'
    CHECK (transport IN ('http', 'kafka', 'jms'));
ALTER TABLE partners ADD COLUMN source text;
ALTER TABLE partners ADD CONSTRAINT partners_source_required
    CHECK ((transport = 'http') = (source IS NULL));
CREATE UNIQUE INDEX partners_transport_source_idx ON partners (transport, source) WHERE source IS NOT NULL;
