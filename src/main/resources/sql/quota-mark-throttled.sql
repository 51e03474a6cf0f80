-- The agency is throttled until the next reset of whichever limit it hit.
UPDATE agency_rate_limits
   SET throttled_until = CASE WHEN day_count >= alerts_per_day THEN ? ELSE ? END, updated_at = now()
 WHERE agency_id = ?
RETURNING throttled_until
