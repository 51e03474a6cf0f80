-- Manual replay of a dead-lettered delivery: pending again now, with a fresh durable retry schedule.
UPDATE deliveries
   SET status = 'pending', retry_round = 0, next_attempt_at = now(), lease_owner = NULL, lease_until = NULL,
       updated_at = now()
 WHERE id = ?::uuid AND status = 'failed'
RETURNING id
