-- Midnight: per agency, the flags of one day (zone boundaries given as [start, end)) it was told of through
-- its code.flagged outbox row, by severity and by reason. Recomputed and upserted, so re-running a day
-- replaces its rows instead of adding to them. Parameters: day, day start, day end.
INSERT INTO agency_flag_analytics AS t (day, agency_id, total, low, medium, high, critical,
                                        counterfeit, suspicious, blacklisted, expired, other_reason, computed_at)
SELECT ?::date, d.agency_id, count(*),
       count(*) FILTER (WHERE f.severity = 'low'),
       count(*) FILTER (WHERE f.severity = 'medium'),
       count(*) FILTER (WHERE f.severity = 'high'),
       count(*) FILTER (WHERE f.severity = 'critical'),
       count(*) FILTER (WHERE f.reason = 'counterfeit'),
       count(*) FILTER (WHERE f.reason = 'suspicious'),
       count(*) FILTER (WHERE f.reason = 'blacklisted'),
       count(*) FILTER (WHERE f.reason = 'expired'),
       count(*) FILTER (WHERE f.reason = 'other'),
       now()
  FROM flags f
  JOIN deliveries d ON d.flag_id = f.id AND d.event_type = 'code.flagged'
 WHERE f.created_at >= ? AND f.created_at < ?
 GROUP BY d.agency_id
ON CONFLICT (day, agency_id) DO UPDATE
   SET total = EXCLUDED.total, low = EXCLUDED.low, medium = EXCLUDED.medium, high = EXCLUDED.high,
       critical = EXCLUDED.critical, counterfeit = EXCLUDED.counterfeit, suspicious = EXCLUDED.suspicious,
       blacklisted = EXCLUDED.blacklisted, expired = EXCLUDED.expired, other_reason = EXCLUDED.other_reason,
       computed_at = EXCLUDED.computed_at
RETURNING agency_id, total
