-- Counters count alerts actually sent: units taken but not sent are given back, but only to the
-- counters they were added to (a reset since then moved the epoch on and already zeroed them). A unit
-- of the instance's recorded block that was not sent is taken off that record too, so a heartbeat that
-- finds the instance dead does not return it a second time.
WITH flush_later AS (SELECT set_config('synchronous_commit', 'off', true)),
unheld AS (
    UPDATE quota_allowances
       SET units = GREATEST(units - ?, 0)
     WHERE instance_id = ? AND agency_id = ? AND hour_epoch = ? AND day_epoch = ?
)
UPDATE agency_rate_limits
   SET hour_count = CASE WHEN hour_epoch = ? THEN GREATEST(hour_count - ?, 0) ELSE hour_count END,
       day_count  = CASE WHEN day_epoch = ? THEN GREATEST(day_count - ?, 0) ELSE day_count END,
       updated_at = now()
  FROM flush_later
 WHERE agency_id = ?
