SELECT d.id, a.name AS agency, d.event_type, d.status, d.attempts, d.last_http_status, d.last_error,
       d.case_number, d.next_attempt_at, d.created_at, d.delivered_at
  FROM deliveries d
  JOIN agencies a ON a.id = d.agency_id
 WHERE d.flag_id = ?::uuid
 ORDER BY a.name, d.created_at
