-- The stored daily analytics of one agency over the last N days up to the given day, oldest first.
SELECT day, total, low, medium, high, critical, counterfeit, suspicious, blacklisted, expired, other_reason
  FROM agency_flag_analytics
 WHERE agency_id = ? AND day > ?::date - ? AND day <= ?::date
 ORDER BY day
