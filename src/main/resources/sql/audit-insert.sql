INSERT INTO audit_log (actor, action, method, resource, outcome, http_status, before, after, detail)
VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)
