-- One attempt: the delivery's new state and its webhook_logs row, in one statement.
-- Only the lease holder may record (a delivery taken over after lease expiry is not overwritten).
WITH attempt AS (
    UPDATE deliveries
       SET attempts         = attempts + 1,
           status           = ?,
           last_http_status = ?,
           last_error       = ?,
           case_number      = COALESCE(?, case_number),
           delivered_at     = CASE WHEN ? THEN now() ELSE delivered_at END,
           lease_owner      = CASE WHEN ? THEN NULL ELSE lease_owner END,
           lease_until      = CASE WHEN ? THEN NULL ELSE lease_until END,
           updated_at       = now()
     WHERE id = ?::uuid AND lease_owner = ?
    RETURNING id, agency_id, attempts
)
INSERT INTO webhook_logs (delivery_id, agency_id, attempt, outcome, http_status, duration_ms, error)
SELECT id, agency_id, attempts, ?, ?, ?, ? FROM attempt
