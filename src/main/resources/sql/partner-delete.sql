DELETE FROM partners WHERE name = ?
