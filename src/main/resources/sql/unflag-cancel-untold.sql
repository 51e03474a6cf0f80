-- code.flagged deliveries not sent yet (and not in flight) are cancelled: an agency that never heard of
-- the flag gets neither it nor the unflag.
UPDATE deliveries d
   SET status = 'cancelled', last_error = 'cancelled: code unflagged before delivery', updated_at = now()
  FROM flags f
 WHERE f.id = d.flag_id
   AND f.code_id = ?
   AND d.event_type = 'code.flagged'
   AND d.status IN ('pending', 'throttled')
   AND (d.lease_until IS NULL OR d.lease_until < now())
