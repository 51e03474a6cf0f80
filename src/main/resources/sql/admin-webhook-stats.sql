-- Success rate over the last 7 days of attempts (webhook_logs).
SELECT count(*) AS attempts,
       count(*) FILTER (WHERE outcome = 'delivered') AS delivered,
       max(created_at) AS last_attempt_at
  FROM webhook_logs
 WHERE agency_id = ? AND created_at > now() - interval '7 days'
