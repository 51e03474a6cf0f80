-- Claim one handed-off delivery by id; nothing is returned if another worker holds or finished it.
WITH claimed AS (
    UPDATE deliveries d
       SET lease_owner = ?, lease_until = now() + make_interval(secs => ?), updated_at = now()
     WHERE d.id = ?::uuid
       AND d.status = 'pending'
       AND (d.lease_until IS NULL OR d.lease_until < now())
       AND EXISTS (SELECT 1 FROM agencies a
                    WHERE a.id = d.agency_id AND a.webhook_active AND a.webhook_url IS NOT NULL)
    RETURNING d.*
)
SELECT c.id, c.flag_id, c.agency_id, c.event_type, c.payload, c.severity_rank, c.attempts, c.retry_round,
       c.correlation_id, a.name AS agency, a.webhook_url, a.secret_enc, a.custom_headers::text AS custom_headers,
       a.case_number_field
  FROM claimed c
  JOIN agencies a ON a.id = c.agency_id
