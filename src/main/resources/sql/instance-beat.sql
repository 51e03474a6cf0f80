-- This instance is alive (a row of its own, created at its first beat).
INSERT INTO relay_instances (instance_id) VALUES (?)
ON CONFLICT (instance_id) DO UPDATE SET beat_at = now()
