UPDATE scheduled_job_runs SET finished_at = now(), outcome = ?, detail = ?::jsonb WHERE id = ?
