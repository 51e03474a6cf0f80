-- What a worker needs of the rows a claim statement returned as `claimed`: the delivery and its target.
SELECT c.id, c.flag_id, c.agency_id, c.event_type, c.payload, c.severity_rank, c.attempts, c.retry_round,
       c.correlation_id, a.name AS agency, a.webhook_url,
       -- during a rotation's grace period the previous secret keeps signing alongside the new one
       CASE WHEN a.previous_secret_until > now() THEN a.secret_enc || ' ' || a.previous_secret_enc
            ELSE a.secret_enc END AS secret_enc, a.custom_headers::text AS custom_headers,
       a.case_number_field
  FROM claimed c
  JOIN agencies a ON a.id = c.agency_id
 ORDER BY c.next_attempt_at
