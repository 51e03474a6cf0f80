-- Claim one handed-off delivery by id; nothing is returned if another worker holds or finished it.
WITH claimed AS (
    UPDATE deliveries d
       SET lease_owner = ?, lease_until = now() + make_interval(secs => ?), updated_at = now()
     WHERE d.id = ?::uuid
       AND d.status = 'pending'
       AND (d.lease_until IS NULL OR d.lease_until < now())
       AND CASE WHEN d.subscription_id IS NULL
                THEN EXISTS (SELECT 1 FROM agencies a
                              WHERE a.id = d.agency_id AND a.webhook_active AND a.webhook_url IS NOT NULL)
                ELSE EXISTS (SELECT 1 FROM subscriptions s
                              WHERE s.id = d.subscription_id AND s.active AND s.deleted_at IS NULL) END
    RETURNING d.*
)
-- followed by delivery-claimed-select.sql (what a worker needs of the claimed rows)
