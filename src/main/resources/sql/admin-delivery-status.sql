SELECT status FROM deliveries WHERE id = ?::uuid
