-- Per agency over the last N days: flags it was told of (by severity and reason) and its delivery
-- attempts from webhook_logs (success rate = delivered attempts / attempts). Optional name filter.
WITH told AS (
    SELECT d.agency_id, count(*) AS total,
           count(*) FILTER (WHERE f.severity = 'low')      AS low,
           count(*) FILTER (WHERE f.severity = 'medium')   AS medium,
           count(*) FILTER (WHERE f.severity = 'high')     AS high,
           count(*) FILTER (WHERE f.severity = 'critical') AS critical,
           count(*) FILTER (WHERE f.reason = 'counterfeit') AS counterfeit,
           count(*) FILTER (WHERE f.reason = 'suspicious')  AS suspicious,
           count(*) FILTER (WHERE f.reason = 'blacklisted') AS blacklisted,
           count(*) FILTER (WHERE f.reason = 'expired')     AS expired,
           count(*) FILTER (WHERE f.reason = 'other')       AS other_reason
      FROM flags f
      JOIN deliveries d ON d.flag_id = f.id AND d.event_type = 'code.flagged'
     WHERE f.created_at >= now() - make_interval(days => ?)
     GROUP BY d.agency_id
), tried AS (
    SELECT agency_id, count(*) AS attempts, count(*) FILTER (WHERE outcome = 'delivered') AS delivered
      FROM webhook_logs
     WHERE created_at >= now() - make_interval(days => ?)
     GROUP BY agency_id
)
SELECT a.id, a.name,
       coalesce(t.total, 0) AS total, coalesce(t.low, 0) AS low, coalesce(t.medium, 0) AS medium,
       coalesce(t.high, 0) AS high, coalesce(t.critical, 0) AS critical,
       coalesce(t.counterfeit, 0) AS counterfeit, coalesce(t.suspicious, 0) AS suspicious,
       coalesce(t.blacklisted, 0) AS blacklisted, coalesce(t.expired, 0) AS expired,
       coalesce(t.other_reason, 0) AS other_reason,
       coalesce(w.attempts, 0) AS attempts, coalesce(w.delivered, 0) AS delivered_attempts
  FROM agencies a
  LEFT JOIN told t ON t.agency_id = a.id
  LEFT JOIN tried w ON w.agency_id = a.id
 WHERE ?::text IS NULL OR a.name = ?::text
 ORDER BY a.name
