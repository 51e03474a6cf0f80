-- Check and increment in one atomic statement: exact with any number of instances, because the
-- row lock serialises concurrent reservations. No row returned = over the hour or day limit.
UPDATE agency_rate_limits
   SET hour_count = hour_count + 1, day_count = day_count + 1, updated_at = now()
 WHERE agency_id = ?
   AND hour_count < alerts_per_hour
   AND day_count < alerts_per_day
RETURNING hour_count, day_count
