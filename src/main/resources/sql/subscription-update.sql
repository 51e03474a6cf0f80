UPDATE subscriptions
   SET name = ?, event_type = ?, target = ?, active = ?, custom_headers = ?::jsonb, agency_id = ?, updated_at = now()
 WHERE id = ? AND deleted_at IS NULL
