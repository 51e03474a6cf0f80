-- Check and increment in one atomic statement: exact with any number of instances, because the
-- row lock serialises concurrent reservations. No row returned = over the hour or day limit.
--
-- This one transaction commits without waiting for its WAL flush (synchronous_commit off, for this
-- statement only): every delivery to an agency updates the agency's one row, and with a synchronous
-- commit the row lock is held through each disk flush, so one agency could take no more
-- reservations per second than the disk does flushes (pgbench on this row, 8 clients: about 550/s
-- and 14 ms each, against about 8,000-9,500/s and under 1 ms without the wait). The price: if
-- PostgreSQL itself crashes (not the relay), the last fraction of a second of increments may be
-- lost, so an agency could receive a few alerts above its limit that hour. Flags and the outbox
-- stay fully durable; counts stay exact while the database runs.
WITH flush_later AS (SELECT set_config('synchronous_commit', 'off', true))
UPDATE agency_rate_limits
   SET hour_count = hour_count + 1, day_count = day_count + 1, updated_at = now()
  FROM flush_later
 WHERE agency_id = ?
   AND hour_count < alerts_per_hour
   AND day_count < alerts_per_day
RETURNING hour_count, day_count
