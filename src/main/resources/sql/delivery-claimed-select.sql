-- What a worker needs of the rows a claim statement returned as `claimed`: the delivery and its target,
-- an agency's webhook or a subscription's target. A subscription is keyed 'subscription:<name>' for the
-- breaker and pacing; its linked agency (if any) lends its quota.
SELECT c.id, c.flag_id, c.agency_id, c.event_type, c.payload, c.severity_rank, c.attempts, c.retry_round,
       c.correlation_id, c.subscription_id,
       CASE WHEN s.id IS NULL THEN a.name ELSE 'subscription:' || s.name END AS agency,
       CASE WHEN s.id IS NULL THEN a.webhook_url ELSE s.target END AS webhook_url,
       -- during an agency's rotation grace period the previous secret keeps signing alongside the new one
       CASE WHEN s.id IS NOT NULL THEN s.secret_enc
            WHEN a.previous_secret_until > now() THEN a.secret_enc || ' ' || a.previous_secret_enc
            ELSE a.secret_enc END AS secret_enc,
       CASE WHEN s.id IS NULL THEN a.custom_headers ELSE s.custom_headers END::text AS custom_headers,
       a.case_number_field
  FROM claimed c
  LEFT JOIN agencies a ON a.id = c.agency_id
  LEFT JOIN subscriptions s ON s.id = c.subscription_id
 ORDER BY c.next_attempt_at
