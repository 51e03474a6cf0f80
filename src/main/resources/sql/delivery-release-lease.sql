-- This instance gives up a delivery it has not started (its workers' queue was full): any poller
-- may claim it once the hand-off grace has passed, instead of after the whole lease.
UPDATE deliveries
   SET lease_owner = NULL, lease_until = NULL, updated_at = now()
 WHERE id = ?::uuid
   AND lease_owner = ?
   AND status = 'pending'
