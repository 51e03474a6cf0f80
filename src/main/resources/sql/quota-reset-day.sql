-- Daily reset: both counters to zero and every throttle lifted.
UPDATE agency_rate_limits SET hour_count = 0, day_count = 0, throttled_until = NULL, updated_at = now()
