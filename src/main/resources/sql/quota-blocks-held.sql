-- The counters are full: may some instance still hold unused units of a block? Returns how long
-- that may last (no row: no block is live, the quota is really used up).
SELECT extract(epoch FROM blocks_until - now()) AS seconds
  FROM agency_rate_limits
 WHERE agency_id = ?
   AND blocks_until > now()
