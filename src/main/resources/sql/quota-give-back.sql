-- An instance gives back what is left of its block (its lifetime ended, a new block replaces it, or it
-- stops): the units go back to the counters they were added to, and the block is no longer the
-- instance's (its quota_allowances row goes, if it is still the block of these epochs).
WITH flush_later AS (SELECT set_config('synchronous_commit', 'off', true)),
settled AS (
    DELETE FROM quota_allowances
     WHERE instance_id = ? AND agency_id = ? AND hour_epoch = ? AND day_epoch = ?
)
UPDATE agency_rate_limits
   SET hour_count = CASE WHEN hour_epoch = ? THEN GREATEST(hour_count - ?, 0) ELSE hour_count END,
       day_count  = CASE WHEN day_epoch = ? THEN GREATEST(day_count - ?, 0) ELSE day_count END,
       updated_at = now()
  FROM flush_later
 WHERE agency_id = ?
