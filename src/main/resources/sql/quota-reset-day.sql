-- Daily reset: both counters to zero and every throttle lifted; new hour and day epochs.
UPDATE agency_rate_limits
   SET hour_count = 0, day_count = 0, hour_epoch = hour_epoch + 1, day_epoch = day_epoch + 1,
       throttled_until = NULL, updated_at = now()
