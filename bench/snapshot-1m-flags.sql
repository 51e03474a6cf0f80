-- Fixture for timing the midnight job (category snapshot + per-agency flag analytics) over one
-- million flags in one day. Run it against a relay database (psql -v day=2026-11-20 -f ...), then
-- time POST /api/admin/jobs/midnight/run?date=2026-11-20 (see docs/operations.md, "Schedules").
-- It adds 1,000 manufacturers (250 per category), one product, batch and 100 codes each (100,000
-- codes), 1,000,000 flags spread over the day (Africa/Lagos) and one delivered code.flagged outbox
-- row per flag for one of the first three agencies.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO manufacturers (name, category, country)
SELECT 'Bench maker ' || g, (ARRAY['drugs', 'food', 'cosmetics', 'other'])[1 + g % 4], 'NG'
  FROM generate_series(1, 1000) g;
INSERT INTO products (manufacturer_id, name)
SELECT id, 'Bench product ' || id FROM manufacturers WHERE name LIKE 'Bench maker %';
INSERT INTO batches (product_id, batch_number)
SELECT p.id, 'BENCH-' || p.id FROM products p WHERE p.name LIKE 'Bench product %';
INSERT INTO product_codes (code, batch_id)
SELECT 'BENCH-' || b.id || '-' || g, b.id FROM batches b, generate_series(1, 100) g WHERE b.batch_number LIKE 'BENCH-%';
CREATE TEMP TABLE bench_codes AS
SELECT row_number() OVER (ORDER BY id) AS n, id FROM product_codes WHERE code LIKE 'BENCH-%';
CREATE TEMP TABLE bench_agencies AS
SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM (SELECT id FROM agencies ORDER BY id LIMIT 3) a;
CREATE TEMP TABLE bench_flags AS
SELECT gen_random_uuid() AS id, g,
       (:'day'::date::timestamp AT TIME ZONE 'Africa/Lagos') + (g % 86400) * interval '1 second' AS at
  FROM generate_series(1, 1000000) g;
INSERT INTO flags (id, code_id, reason, severity, correlation_id, created_at)
SELECT f.id, c.id,
       (ARRAY['counterfeit', 'suspicious', 'blacklisted', 'expired', 'other'])[1 + f.g % 5],
       (ARRAY['low', 'medium', 'high', 'critical'])[1 + f.g % 4],
       'bench-' || f.g, f.at
  FROM bench_flags f JOIN bench_codes c ON c.n = 1 + f.g % 100000;
INSERT INTO deliveries (flag_id, agency_id, event_type, payload, status, correlation_id, created_at, delivered_at)
SELECT f.id, a.id, 'code.flagged', '{}', 'delivered', 'bench-' || f.g, f.at, f.at
  FROM bench_flags f JOIN bench_agencies a ON a.n = f.g % 3;
COMMIT;
ANALYZE flags;
ANALYZE deliveries;
