SELECT id FROM agencies WHERE name = ?
