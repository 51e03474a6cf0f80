-- Takes up to ? alerts of an agency's hour and day quota in one atomic statement: exact with any
-- number of instances, because the row lock serialises concurrent grants and the grant is computed
-- from the locked, latest row. No row returned = the hour or day limit is reached.
--
-- The same statement records the block as this instance's (quota_allowances): a fresh block (the
-- previous one was used up or given back) starts the instance's row anew, a refill adds to it. If the
-- instance stops beating, the heartbeat returns what it had not used (instance-reclaim.sql).
--
-- This one transaction commits without waiting for its WAL flush (synchronous_commit off, for this
-- statement only): every grant for an agency updates the agency's one row, and with a synchronous
-- commit the row lock is held through each disk flush, so one agency could take no more grants per
-- second than the disk does flushes. The price: if PostgreSQL itself crashes (not the relay), the last
-- fraction of a second of increments may be lost, so an agency could receive a few alerts above its
-- limit that hour. Flags and the outbox stay fully durable; counts stay exact while the database runs.
WITH flush_later AS (SELECT set_config('synchronous_commit', 'off', true)),
grant_ AS (
    SELECT r.agency_id, LEAST(?, r.alerts_per_hour - r.hour_count, r.alerts_per_day - r.day_count) AS n
      FROM agency_rate_limits r, flush_later
     WHERE r.agency_id = ?
       FOR UPDATE OF r
),
granted AS (
    UPDATE agency_rate_limits r
       SET hour_count = r.hour_count + g.n, day_count = r.day_count + g.n, updated_at = now(),
           -- a block of more than one unit may hold units unused for a while (its lifetime and the settle)
           blocks_until = CASE WHEN g.n > 1
                               THEN GREATEST(COALESCE(r.blocks_until, now()), now() + make_interval(secs => ?))
                               ELSE r.blocks_until END
      FROM grant_ g
     WHERE r.agency_id = g.agency_id
       AND g.n > 0
    RETURNING r.agency_id, g.n, r.hour_epoch, r.day_epoch
),
held AS (
    INSERT INTO quota_allowances AS q (instance_id, agency_id, hour_epoch, day_epoch, units, since)
    SELECT ?, agency_id, hour_epoch, day_epoch, n, now() FROM granted
    ON CONFLICT (instance_id, agency_id) DO UPDATE
       SET units = CASE WHEN ? OR q.hour_epoch <> excluded.hour_epoch OR q.day_epoch <> excluded.day_epoch
                        THEN excluded.units ELSE q.units + excluded.units END,
           used = CASE WHEN ? OR q.hour_epoch <> excluded.hour_epoch OR q.day_epoch <> excluded.day_epoch
                       THEN 0 ELSE q.used END,
           since = CASE WHEN ? OR q.hour_epoch <> excluded.hour_epoch OR q.day_epoch <> excluded.day_epoch
                        THEN excluded.since ELSE q.since END,
           hour_epoch = excluded.hour_epoch,
           day_epoch = excluded.day_epoch
)
SELECT n, hour_epoch, day_epoch FROM granted
