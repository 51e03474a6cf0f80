-- Per agency for one month [since, until): flags it was told of; its deliveries created that month and how
-- they ended; its attempts that month (webhook_logs) and how many succeeded.
WITH bounds AS (
    SELECT ?::timestamptz AS since, ?::timestamptz AS until
), told AS (
    SELECT d.agency_id, count(*) AS flags
      FROM bounds, flags f JOIN deliveries d ON d.flag_id = f.id AND d.event_type = 'code.flagged'
     WHERE f.created_at >= bounds.since AND f.created_at < bounds.until
     GROUP BY d.agency_id
), sent AS (
    SELECT agency_id, count(*) AS deliveries,
           count(*) FILTER (WHERE status = 'delivered') AS delivered,
           count(*) FILTER (WHERE status = 'failed')    AS failed
      FROM bounds, deliveries
     WHERE created_at >= bounds.since AND created_at < bounds.until
     GROUP BY agency_id
), tried AS (
    SELECT agency_id, count(*) AS attempts, count(*) FILTER (WHERE outcome = 'delivered') AS attempts_ok
      FROM bounds, webhook_logs
     WHERE created_at >= bounds.since AND created_at < bounds.until
     GROUP BY agency_id
)
SELECT a.name, coalesce(t.flags, 0) AS flags, coalesce(s.deliveries, 0) AS deliveries,
       coalesce(s.delivered, 0) AS delivered, coalesce(s.failed, 0) AS failed,
       coalesce(w.attempts, 0) AS attempts, coalesce(w.attempts_ok, 0) AS attempts_ok
  FROM agencies a
  LEFT JOIN told t ON t.agency_id = a.id
  LEFT JOIN sent s ON s.agency_id = a.id
  LEFT JOIN tried w ON w.agency_id = a.id
 WHERE t.flags IS NOT NULL OR s.deliveries IS NOT NULL OR w.attempts IS NOT NULL
 ORDER BY a.name
