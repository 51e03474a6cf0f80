-- Quota allowances (quota.AgencyQuota): an instance takes a block of an agency's quota in one
-- statement and hands it out from memory. Each reset moves its epoch on, so units an instance gives
-- back later are only subtracted from the counters they were added to.
ALTER TABLE agency_rate_limits ADD COLUMN hour_epoch bigint NOT NULL DEFAULT 0;
ALTER TABLE agency_rate_limits ADD COLUMN day_epoch bigint NOT NULL DEFAULT 0;
