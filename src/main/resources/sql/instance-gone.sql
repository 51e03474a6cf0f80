-- A clean stop: the instance's row goes.
DELETE FROM relay_instances WHERE instance_id = ?
