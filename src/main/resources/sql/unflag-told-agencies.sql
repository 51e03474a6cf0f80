-- The agencies told of the code's flags since it was last unflagged: their code.flagged delivery was
-- delivered, or is being sent right now (leased). Each with its latest case number and flag.
SELECT d.agency_id, a.name AS agency,
       (array_agg(d.case_number ORDER BY d.delivered_at DESC NULLS LAST)
            FILTER (WHERE d.case_number IS NOT NULL))[1] AS case_number,
       (array_agg(d.flag_id::text ORDER BY f.created_at DESC))[1] AS flag_id,
       max(d.severity_rank) AS severity_rank
  FROM deliveries d
  JOIN flags f    ON f.id = d.flag_id
  JOIN agencies a ON a.id = d.agency_id
 WHERE f.code_id = ?
   AND f.created_at > COALESCE(?, '-infinity'::timestamptz)
   AND d.event_type = 'code.flagged'
   AND (d.status = 'delivered' OR (d.status = 'pending' AND d.lease_until > now()))
 GROUP BY d.agency_id, a.name
 ORDER BY a.name
