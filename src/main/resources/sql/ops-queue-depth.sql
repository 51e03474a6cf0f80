-- Queue depth for the metrics gauges; both counts use the partial indexes on status.
SELECT (SELECT count(*) FROM deliveries WHERE status = 'pending')   AS pending,
       (SELECT count(*) FROM deliveries WHERE status = 'throttled') AS deferred
