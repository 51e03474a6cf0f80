INSERT INTO agency_rate_limits (agency_id, alerts_per_hour, alerts_per_day)
SELECT id, ?, ? FROM agencies WHERE name = ?
ON CONFLICT (agency_id) DO UPDATE
   SET alerts_per_hour = EXCLUDED.alerts_per_hour, alerts_per_day = EXCLUDED.alerts_per_day, updated_at = now()
