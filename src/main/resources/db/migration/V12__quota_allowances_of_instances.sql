-- Which instance holds which quota block (quota.AgencyQuota): a row per instance and agency while the
-- instance holds an allowance taken from the agency's counters (units taken since `since`, in the epochs
-- they were added to; used: how many of them the instance has recorded as delivered since, counted by
-- the attempt writer's statement). The instance removes its row when it gives the rest back. When an
-- instance stops beating (relay_instances, delivery.InstanceHeartbeat), whoever notices first returns
-- units - used to the counters in the same statement that frees its deliveries, instead of leaving
-- them counted until the next reset.
CREATE TABLE quota_allowances (
    instance_id text        NOT NULL,
    agency_id   bigint      NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    hour_epoch  bigint      NOT NULL,
    day_epoch   bigint      NOT NULL,
    units       integer     NOT NULL,
    used        integer     NOT NULL DEFAULT 0,
    since       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_id, agency_id)
);
