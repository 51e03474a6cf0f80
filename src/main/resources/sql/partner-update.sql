UPDATE partners SET active = COALESCE(?, active), secret_enc = COALESCE(?, secret_enc), updated_at = now()
 WHERE name = ?
