-- Instances that stopped beating (? seconds) are gone: their rows go, and the leases of their
-- unfinished deliveries end now, so any instance's poller claims them at once. A delivery that was
-- never attempted is made due now (a fresh outbox row would otherwise wait out the hand-off grace);
-- one waiting for a retry keeps its schedule. Returns what was freed.
WITH dead AS (
    DELETE FROM relay_instances
     WHERE beat_at < now() - make_interval(secs => ?)
    RETURNING instance_id
)
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
RETURNING dead.instance_id, d.id
