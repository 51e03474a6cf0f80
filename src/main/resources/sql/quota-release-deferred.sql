-- Release deferred alerts, most severe first (then oldest), only as many per agency as its
-- remaining quota allows; the rest keep waiting. next_attempt_at keeps the release order.
WITH room AS (
    SELECT agency_id, LEAST(alerts_per_hour - hour_count, alerts_per_day - day_count) AS free
      FROM agency_rate_limits
), ranked AS (
    SELECT d.id, d.agency_id,
           row_number() OVER (PARTITION BY d.agency_id ORDER BY d.severity_rank DESC, d.created_at) AS rn
      FROM deliveries d
     WHERE d.status = 'throttled'
), released AS (
    UPDATE deliveries d
       SET status = 'pending', next_attempt_at = now() + r.rn * interval '1 millisecond', updated_at = now()
      FROM ranked r
      JOIN room ON room.agency_id = r.agency_id
     WHERE d.id = r.id AND r.rn <= room.free
    RETURNING d.id, d.next_attempt_at
)
SELECT id FROM released ORDER BY next_attempt_at
