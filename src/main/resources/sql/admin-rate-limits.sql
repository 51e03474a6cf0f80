-- Every agency's quota (defaults where no row exists yet), or one agency's when a name is given.
SELECT a.name AS agency,
       COALESCE(r.alerts_per_hour, 100)  AS alerts_per_hour,
       COALESCE(r.alerts_per_day, 1000)  AS alerts_per_day,
       COALESCE(r.hour_count, 0)         AS hour_count,
       COALESCE(r.day_count, 0)          AS day_count,
       r.throttled_until
  FROM agencies a
  LEFT JOIN agency_rate_limits r ON r.agency_id = a.id
 WHERE (?::text IS NULL OR a.name = ?)
 ORDER BY a.name
