-- Cheaper ANALYZE on the tables that grow with every flag (docs/performance.md, round six).
--
-- flags, deliveries and webhook_logs get rows (and deliveries an update) per flag, so autovacuum
-- analyzes them again and again (every 10 s on the embedded server, where autovacuum_naptime is 10 s).
-- At the default statistics target (100) each ANALYZE samples 30,000 rows: 300 ms of one core for
-- deliveries at 250,000 rows, 90 ms for flags, on a 2-core machine whose intake answered 80-160 ms
-- late meanwhile. The relay reads these tables by key, foreign key and partial index, for which a
-- target of 10 (3,000 sampled rows; 26 ms for the same deliveries) gives the same plans: the row
-- counts and the few status values are kept. Columns added later take the server's default.
DO $$
DECLARE
    col record;
BEGIN
    FOR col IN
        SELECT c.relname, a.attname
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema()
          AND c.relname IN ('flags', 'deliveries', 'webhook_logs')
          AND a.attnum > 0 AND NOT a.attisdropped
    LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I SET STATISTICS 10', col.relname, col.attname);
    END LOOP;
END
$$;
