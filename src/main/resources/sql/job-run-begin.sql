INSERT INTO scheduled_job_runs (job, triggered_by, instance_id, scheduled_fire_time) VALUES (?, ?, ?, ?) RETURNING id
