-- Until when an instance may still hold unused units of a quota block it took for the agency
-- (quota.AgencyQuota). A delivery that finds the counters full before then waits for those units
-- to come back instead of being deferred to the next reset.
ALTER TABLE agency_rate_limits ADD COLUMN blocks_until timestamptz;
