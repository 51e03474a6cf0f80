-- Agencies are subscriptions too: they receive code.flagged (by the routing rules) and code.unflagged.
SELECT a.id, a.name, a.webhook_url, a.webhook_active, a.custom_headers::text AS custom_headers, a.created_at, a.updated_at
  FROM agencies a
 ORDER BY a.name
