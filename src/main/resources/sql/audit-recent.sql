SELECT id, actor, action, method, resource, outcome, http_status, before::text AS before, after::text AS after,
       detail, created_at
  FROM audit_log
 ORDER BY created_at DESC, id DESC
 LIMIT ?
