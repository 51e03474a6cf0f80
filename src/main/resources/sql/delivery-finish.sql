-- End a delivery's lease with a final or waiting status (failed = dead letter, throttled = deferred).
UPDATE deliveries
   SET status = ?, last_error = COALESCE(?, last_error), lease_owner = NULL, lease_until = NULL, updated_at = now()
 WHERE id = ?::uuid AND lease_owner = ?
