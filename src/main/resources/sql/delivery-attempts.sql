SELECT delivery_id, attempt, outcome, http_status, duration_ms, error, created_at
  FROM webhook_logs
 WHERE delivery_id = ANY (?::uuid[])
 ORDER BY delivery_id, attempt
