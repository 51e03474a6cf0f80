INSERT INTO deliveries (flag_id, agency_id, event_type, payload, severity_rank, correlation_id, case_number,
                        created_at, next_attempt_at)
VALUES (?::uuid, ?, 'code.unflagged', ?, ?, ?, ?, ?, ?)
RETURNING id
