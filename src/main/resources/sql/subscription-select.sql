-- Subscriptions as admins see them (never the secret); deleted ones are gone.
SELECT s.id, s.name, s.event_type, s.target, s.active, s.custom_headers::text AS custom_headers,
       a.name AS agency, s.created_at, s.updated_at
  FROM subscriptions s
  LEFT JOIN agencies a ON a.id = s.agency_id
 WHERE s.deleted_at IS NULL
