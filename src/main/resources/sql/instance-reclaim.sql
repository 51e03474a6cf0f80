-- Instances that stopped beating (? seconds) are gone, in one statement:
-- * their rows go;
-- * the leases of their unfinished deliveries end now, so any instance's poller claims them at once. A
--   delivery that was never attempted is made due now (a fresh outbox row would otherwise wait out the
--   hand-off grace); one waiting for a retry keeps its schedule;
-- * the quota blocks they held (quota_allowances) go, and what they had not used (units - used: used is
--   what the instance recorded as delivered from the block) goes back to the counters it was added to
--   (none if a reset moved the epoch on since). A reservation whose delivery it had not recorded counts
--   as unused: that delivery is freed above and reserves again wherever it is sent.
-- Returns, per dead instance, the deliveries freed and the quota units returned.
WITH dead AS (
    DELETE FROM relay_instances
     WHERE beat_at < now() - make_interval(secs => ?)
    RETURNING instance_id
),
freed AS (
    UPDATE deliveries d
       SET lease_until = now(),
           next_attempt_at = CASE WHEN d.attempts = 0 AND d.retry_round = 0
                                  THEN LEAST(d.next_attempt_at, now() - make_interval(secs => ?))
                                  ELSE d.next_attempt_at END,
           updated_at = now()
      FROM dead
     WHERE d.lease_owner = dead.instance_id
       AND d.status = 'pending'
       AND d.lease_until > now()
    RETURNING dead.instance_id
),
blocks AS (
    DELETE FROM quota_allowances q
     USING dead
     WHERE q.instance_id = dead.instance_id
    RETURNING q.instance_id, q.agency_id, q.hour_epoch, q.day_epoch,
              GREATEST(q.units - q.used, 0) AS unused
),
returned AS (
    UPDATE agency_rate_limits r
       SET hour_count = GREATEST(r.hour_count - COALESCE((SELECT sum(b.unused) FROM blocks b
                                 WHERE b.agency_id = r.agency_id AND b.hour_epoch = r.hour_epoch), 0), 0),
           day_count  = GREATEST(r.day_count - COALESCE((SELECT sum(b.unused) FROM blocks b
                                 WHERE b.agency_id = r.agency_id AND b.day_epoch = r.day_epoch), 0), 0),
           updated_at = now()
     WHERE r.agency_id IN (SELECT agency_id FROM blocks WHERE unused > 0)
)
SELECT instance_id, count(*)::int AS deliveries, 0 AS quota_units FROM freed GROUP BY instance_id
UNION ALL
SELECT instance_id, 0, sum(unused)::int FROM blocks GROUP BY instance_id
