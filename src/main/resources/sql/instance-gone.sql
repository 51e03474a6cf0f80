-- A clean stop: the instance's row goes, and so do the records of its quota blocks (it gave back what
-- it had not used just before; what is left on record was used).
WITH blocks AS (
    DELETE FROM quota_allowances WHERE instance_id = ?
)
DELETE FROM relay_instances WHERE instance_id = ?
