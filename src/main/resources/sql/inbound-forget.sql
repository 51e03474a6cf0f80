-- An unexpected failure: forget the message so the partner's retry is processed afresh.
DELETE FROM inbound_events WHERE id = ? AND outcome = 'processing'
