-- Give the delivery back to the queue at a later time (durable retry, Retry-After, open breaker).
UPDATE deliveries
   SET status = 'pending', next_attempt_at = now() + make_interval(secs => ?), retry_round = retry_round + ?,
       lease_owner = NULL, lease_until = NULL, updated_at = now()
 WHERE id = ?::uuid AND lease_owner = ?
