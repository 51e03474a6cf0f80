-- Counters count alerts actually sent: units taken but not sent are given back, but only to the
-- counters they were added to (a reset since then moved the epoch on and already zeroed them).
WITH flush_later AS (SELECT set_config('synchronous_commit', 'off', true))
UPDATE agency_rate_limits
   SET hour_count = CASE WHEN hour_epoch = ? THEN GREATEST(hour_count - ?, 0) ELSE hour_count END,
       day_count  = CASE WHEN day_epoch = ? THEN GREATEST(day_count - ?, 0) ELSE day_count END,
       updated_at = now()
  FROM flush_later
 WHERE agency_id = ?
