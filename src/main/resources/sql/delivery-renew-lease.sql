-- Extends a lease this instance still holds, before an attempt that could outlive it (a redelivery,
-- a slow agency). No row updated: another instance took the delivery over after the lease ran out.
UPDATE deliveries
   SET lease_until = now() + make_interval(secs => ?), updated_at = now()
 WHERE id = ?::uuid
   AND lease_owner = ?
   AND status = 'pending'
