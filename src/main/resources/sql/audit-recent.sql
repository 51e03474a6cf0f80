-- The audit trail, newest first: admin changes, and the operational events admins are told of
-- (webhook disabled, delivery exhausted, circuit opened/recovered), which the relay itself caused.
SELECT * FROM (
    SELECT 'change' AS kind, id, actor, action, method, resource, outcome, http_status, before::text AS before,
           after::text AS after, detail, created_at
      FROM audit_log
    UNION ALL
    SELECT 'event' AS kind, e.id, 'relay' AS actor, e.event_type AS action, 'EVENT' AS method,
           COALESCE('agency/' || a.name, '') || COALESCE('/deliveries/' || e.delivery_id, '') AS resource,
           CASE WHEN e.event_type LIKE '%recovered' THEN 'success' ELSE 'failure' END AS outcome,
           NULL AS http_status, NULL AS before, e.detail::text AS after, NULL AS detail, e.created_at
      FROM operational_events e
      LEFT JOIN agencies a ON a.id = e.agency_id
     WHERE ?
) trail
 ORDER BY created_at DESC, id DESC
 LIMIT ?
