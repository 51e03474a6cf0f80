-- Counters count alerts actually sent: a reservation whose send did not succeed is given back.
UPDATE agency_rate_limits
   SET hour_count = GREATEST(hour_count - 1, 0), day_count = GREATEST(day_count - 1, 0), updated_at = now()
 WHERE agency_id = ?
