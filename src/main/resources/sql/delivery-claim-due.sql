-- The poller's safety net: claim due deliveries with a lease. SKIP LOCKED lets several instances
-- poll at once without waiting on or double-claiming each other's rows; an expired lease (a crashed
-- instance) makes a delivery claimable again. Fresh rows get a grace period for the in-memory hand-off.
WITH due AS (
    SELECT d.id
      FROM deliveries d
      LEFT JOIN agencies a ON a.id = d.agency_id
      LEFT JOIN subscriptions s ON s.id = d.subscription_id
     WHERE d.status = 'pending'
       AND d.next_attempt_at <= now()
       AND (d.attempts > 0 OR d.retry_round > 0 OR d.next_attempt_at <= now() - make_interval(secs => ?))
       AND (d.lease_until IS NULL OR d.lease_until < now())
       AND CASE WHEN d.subscription_id IS NULL THEN a.webhook_active AND a.webhook_url IS NOT NULL
                ELSE s.active AND s.deleted_at IS NULL END
     ORDER BY d.next_attempt_at
     LIMIT ?
       FOR UPDATE OF d SKIP LOCKED
), claimed AS (
    UPDATE deliveries d
       SET lease_owner = ?, lease_until = now() + make_interval(secs => ?), updated_at = now()
      FROM due
     WHERE d.id = due.id
    RETURNING d.*
)
-- followed by delivery-claimed-select.sql (what a worker needs of the claimed rows)
