-- Group commit of the intake: the flags that arrived together, their codes' status and their outbox
-- rows, in one statement and one transaction (the caller commits once for the whole batch). Each input
-- row is one flag; a repeat of an Idempotency-Key (also within the batch) inserts nothing and returns no row.
--
-- A code's status changes at most once per batch, and only when the batch's most severe new flag of it
-- is more severe than its status: flags of one hot code do not queue on its row lock.
--
-- The outbox rows of agencies that can take deliveries now (webhook active, URL set) are leased to
-- this instance at once, and the statement returns what a worker needs to send them (as the claim
-- statements do): the in-memory hand-off then sends them without a claim statement and its commit.
-- If this instance dies first, another takes them over when the lease ends. Rows of an agency whose
-- webhook is off get no lease; the poller claims them once it is on again.
WITH input AS (
    SELECT *
      FROM unnest(?::uuid[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                  ?::text[], ?::text[], ?::text[], ?::int[])
           AS t(id, code_id, reason, severity, note, reported_by, idempotency_key, request_fingerprint,
                correlation_id, created_at, payload, severity_rank)
), new_flag AS (
    INSERT INTO flags (id, code_id, reason, severity, note, reported_by, idempotency_key,
                       request_fingerprint, correlation_id, created_at)
    SELECT id, code_id, reason, severity, note, reported_by, idempotency_key, request_fingerprint,
           correlation_id, created_at::timestamptz
      FROM input
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, code_id, reason, severity, created_at
), strongest AS (
    SELECT DISTINCT ON (code_id) code_id, reason, severity, created_at
      FROM new_flag
     ORDER BY code_id, array_position(ARRAY['low', 'medium', 'high', 'critical'], severity) DESC, created_at DESC
), flagged_code AS (
    UPDATE product_codes c
       SET is_flagged = true, flag_reason = f.reason, flag_severity = f.severity, flagged_at = f.created_at
      FROM strongest f
     WHERE c.id = f.code_id
       AND (NOT c.is_flagged OR c.flag_severity IS NULL
            OR array_position(ARRAY['low', 'medium', 'high', 'critical'], f.severity)
               > coalesce(array_position(ARRAY['low', 'medium', 'high', 'critical'], c.flag_severity), 0))
    RETURNING c.id
), targets AS (
    SELECT * FROM unnest(?::uuid[], ?::text[]) AS t(flag_id, agency)
), outbox AS (
    INSERT INTO deliveries (flag_id, agency_id, event_type, payload, severity_rank, correlation_id,
                            created_at, next_attempt_at, lease_owner, lease_until)
    SELECT f.id, a.id, 'code.flagged', i.payload, i.severity_rank, i.correlation_id, f.created_at, f.created_at,
           CASE WHEN a.webhook_active AND a.webhook_url IS NOT NULL THEN ? END,
           CASE WHEN a.webhook_active AND a.webhook_url IS NOT NULL THEN now() + make_interval(secs => ?) END
      FROM new_flag f
      JOIN input i ON i.id = f.id
      JOIN targets t ON t.flag_id = f.id
      JOIN agencies a ON a.name = t.agency
    RETURNING id, flag_id, agency_id, event_type, payload, severity_rank, attempts, retry_round, correlation_id,
              lease_owner
)
SELECT f.id AS flag_id, o.id AS delivery_id, a.name AS agency, o.lease_owner IS NOT NULL AS leased,
       o.id, o.agency_id, o.event_type, o.payload, o.severity_rank, o.attempts, o.retry_round,
       o.correlation_id, NULL::bigint AS subscription_id, a.webhook_url,
       -- during an agency's rotation grace period the previous secret keeps signing alongside the new one
       CASE WHEN a.previous_secret_until > now() THEN a.secret_enc || ' ' || a.previous_secret_enc
            ELSE a.secret_enc END AS secret_enc,
       a.custom_headers::text AS custom_headers, a.case_number_field
  FROM new_flag f
  LEFT JOIN outbox o ON o.flag_id = f.id
  LEFT JOIN agencies a ON a.id = o.agency_id
 ORDER BY f.id, a.name
