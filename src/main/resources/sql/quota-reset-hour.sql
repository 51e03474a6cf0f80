-- Hourly reset: hour counters to zero and hour throttles lifted (day throttles stay); a new hour epoch.
UPDATE agency_rate_limits
   SET hour_count = 0,
       hour_epoch = hour_epoch + 1,
       throttled_until = CASE WHEN day_count >= alerts_per_day THEN throttled_until ELSE NULL END,
       updated_at = now()
