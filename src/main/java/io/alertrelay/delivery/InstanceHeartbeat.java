package io.alertrelay.delivery;

import io.alertrelay.db.SqlStatements;
import io.alertrelay.quota.AgencyQuota;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Instance heartbeats (routes/delivery.camel.yaml, timer instance-heartbeat): each instance beats, and
 * whoever notices first that another stopped beating ends the leases of that instance's unfinished
 * deliveries and returns the quota it held but had not used (quota.AgencyQuota's recorded blocks), so
 * its work is delivered and its allowance is available within seconds of a kill -9 rather than at the
 * lease's end and the next reset. An instance that beats is never robbed of its leases or blocks.
 */
public final class InstanceHeartbeat {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceHeartbeat.class);
    private static final String BEAT = SqlStatements.load("instance-beat");
    private static final String RECLAIM = SqlStatements.load("instance-reclaim");
    private static final String GONE = SqlStatements.load("instance-gone");

    private final DataSource dataSource;
    private final String instanceId;
    private final Duration deadAfter;
    private final Duration handoffGrace;
    private final AgencyQuota quota;

    public InstanceHeartbeat(DataSource dataSource, String instanceId, Duration deadAfter, Duration handoffGrace,
            AgencyQuota quota) {
        this.dataSource = dataSource;
        this.instanceId = instanceId;
        this.deadAfter = deadAfter;
        this.handoffGrace = handoffGrace;
        this.quota = quota;
    }

    /**
     * The first beat, before the instance takes any work or quota: every lease and block it takes then
     * has a row that shows whether its owner lives.
     */
    public void register() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(BEAT)) {
            ps.setString(1, instanceId);
            ps.executeUpdate();
        }
    }

    /**
     * Beats, then frees the deliveries and returns the unused quota of instances that stopped beating;
     * returns how many deliveries were freed per instance.
     */
    public Map<String, Integer> beat() throws SQLException {
        Map<String, Integer> freed = new TreeMap<>();
        Map<String, Integer> quotaReturned = new TreeMap<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(BEAT)) {
                ps.setString(1, instanceId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(RECLAIM)) {
                ps.setDouble(1, deadAfter.toMillis() / 1000.0);
                ps.setDouble(2, handoffGrace.toMillis() / 1000.0 + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getInt(2) > 0) {
                            freed.merge(rs.getString(1), rs.getInt(2), Integer::sum);
                        } else {
                            quotaReturned.merge(rs.getString(1), rs.getInt(3), Integer::sum);
                        }
                    }
                }
            }
        }
        freed.forEach((instance, n) -> LOG.warn("Instance {} stopped beating: {} of its deliveries are free for "
                + "any instance now", instance, n));
        quotaReturned.forEach((instance, n) -> LOG.warn("Instance {} stopped beating: {} quota units it held unused "
                + "are back in the agencies' counters", instance, n));
        if (quotaReturned.values().stream().anyMatch(n -> n > 0)) {
            // alerts deferred while the dead instance's units were counted need not wait for the next reset
            int released = quota.releaseDeferred().size();
            if (released > 0) {
                LOG.info("{} deferred alerts released into the quota a stopped instance left unused", released);
            }
        }
        return freed;
    }

    /** A clean stop: this instance's row goes (its leases were given back or end on their own, its blocks settled). */
    public void stopped() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(GONE)) {
            ps.setString(1, instanceId);
            ps.setString(2, instanceId);
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.debug("instance row not removed: {}", e.getMessage());
        }
    }
}
