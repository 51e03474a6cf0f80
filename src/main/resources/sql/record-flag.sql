-- One statement, one transaction: the flag, the code's status and the outbox rows commit together.
-- A repeat of an Idempotency-Key inserts nothing and returns no row.
WITH new_flag AS (
    INSERT INTO flags (id, code_id, reason, severity, note, reported_by, idempotency_key,
                       request_fingerprint, correlation_id, created_at)
    VALUES (?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, code_id, reason, severity, created_at
), flagged_code AS (
    UPDATE product_codes c
       SET is_flagged = true, flag_reason = f.reason, flag_severity = f.severity, flagged_at = f.created_at
      FROM new_flag f
     WHERE c.id = f.code_id
    RETURNING c.id
), outbox AS (
    INSERT INTO deliveries (flag_id, agency_id, event_type, payload, severity_rank, correlation_id,
                            created_at, next_attempt_at)
    SELECT f.id, a.id, 'code.flagged', ?, ?, ?, f.created_at, f.created_at
      FROM new_flag f
      JOIN agencies a ON a.name = ANY (?::text[])
    RETURNING id, agency_id
)
SELECT f.id AS flag_id, o.id AS delivery_id, a.name AS agency
  FROM new_flag f
  LEFT JOIN outbox o ON true
  LEFT JOIN agencies a ON a.id = o.agency_id
 ORDER BY a.name
