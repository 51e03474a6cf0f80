UPDATE product_codes
   SET is_flagged = false, flag_reason = NULL, flag_severity = NULL, flagged_at = NULL,
       unflagged_at = ?, unflag_reason = ?
 WHERE id = ?
