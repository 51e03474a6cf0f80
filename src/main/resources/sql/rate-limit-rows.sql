-- Every agency has its quota row (defaults: 100 an hour, 1000 a day).
INSERT INTO agency_rate_limits (agency_id)
SELECT id FROM agencies
ON CONFLICT (agency_id) DO NOTHING
