-- Instances beat (delivery.InstanceHeartbeat): each running instance updates its row every
-- relay.instances.heartbeat-ms. An instance whose row is older than relay.instances.dead-after-ms has
-- stopped (kill -9, a lost host): whoever notices first removes the row and ends the leases of its
-- unfinished deliveries, so the others deliver them within seconds instead of at the lease's end.
CREATE TABLE relay_instances (
    instance_id text        PRIMARY KEY,
    started_at  timestamptz NOT NULL DEFAULT now(),
    beat_at     timestamptz NOT NULL DEFAULT now()
);
