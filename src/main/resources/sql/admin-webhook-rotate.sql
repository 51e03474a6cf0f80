-- New secret now; the current one becomes the previous and keeps signing alongside until the grace ends.
UPDATE agencies
   SET previous_secret_enc = secret_enc, previous_secret_until = now() + make_interval(secs => ?),
       secret_enc = ?, signing_algorithm = ?, updated_at = now()
 WHERE name = ?
RETURNING previous_secret_until
