package io.alertrelay.delivery;

import io.alertrelay.db.SqlStatements;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** The outbox as the delivery workers see it: leases, attempts and their log, reschedules. */
public final class DeliveryStore {

    private static final String CLAIMED_SELECT = SqlStatements.load("delivery-claimed-select");
    private static final String CLAIM_DUE = SqlStatements.load("delivery-claim-due") + "\n" + CLAIMED_SELECT;
    private static final String CLAIM_ONE = SqlStatements.load("delivery-claim-one") + "\n" + CLAIMED_SELECT;
    private static final String RENEW_LEASE = SqlStatements.load("delivery-renew-lease");
    private static final String RELEASE_LEASE = SqlStatements.load("delivery-release-lease");
    private static final String RESCHEDULE = SqlStatements.load("delivery-reschedule");
    private static final String FINISH = SqlStatements.load("delivery-finish");
    private static final String DISABLE_WEBHOOK = SqlStatements.load("agency-disable-webhook");
    private static final String DISABLE_SUBSCRIPTION = SqlStatements.load("subscription-disable");

    private final DataSource dataSource;
    private final String instanceId;
    private final Duration lease;
    private final AttemptWriter attempts;

    public DeliveryStore(DataSource dataSource, String instanceId, Duration lease, AttemptWriter attempts) {
        this.dataSource = dataSource;
        this.instanceId = instanceId;
        this.lease = lease;
        this.attempts = attempts;
    }

    public String instanceId() {
        return instanceId;
    }

    /** Claims up to {@code limit} due deliveries (handed-off ones only after {@code grace}). */
    public List<ClaimedDelivery> claimDue(int limit, Duration grace) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CLAIM_DUE)) {
            ps.setDouble(1, grace.toMillis() / 1000.0);
            ps.setInt(2, limit);
            ps.setString(3, instanceId);
            ps.setLong(4, lease.toSeconds());
            return read(ps);
        }
    }

    public Optional<ClaimedDelivery> claim(UUID id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CLAIM_ONE)) {
            ps.setString(1, instanceId);
            ps.setLong(2, lease.toSeconds());
            ps.setString(3, id.toString());
            return read(ps).stream().findFirst();
        }
    }

    public Duration lease() {
        return lease;
    }

    /** Extends this instance's lease on a delivery; false when the lease is no longer this instance's. */
    public boolean renewLease(UUID id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RENEW_LEASE)) {
            ps.setLong(1, lease.toSeconds());
            ps.setString(2, id.toString());
            ps.setString(3, instanceId);
            return ps.executeUpdate() == 1;
        }
    }

    /** Gives up this instance's lease on a delivery it has not started, so that a poller claims it. */
    public void releaseLease(UUID id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RELEASE_LEASE)) {
            ps.setString(1, id.toString());
            ps.setString(2, instanceId);
            ps.executeUpdate();
        }
    }

    /** Logs one attempt and sets the delivery's state; {@code status} ends the lease unless pending. */
    public boolean recordAttempt(UUID id, String status, String outcome, Integer httpStatus, Optional<String> error,
                              Optional<String> caseNumber, long durationMs) throws SQLException {
        return attempts.record(attempt(id, status, outcome, httpStatus, error, caseNumber, durationMs));
    }

    /**
     * A delivered attempt, recorded without holding the worker: nothing follows it that needs the record
     * first. If this instance stops before the commit, the lease runs out and the delivery is sent again,
     * as after a crash between the agency's 2xx and the commit (the receiver drops it by webhook-id).
     */
    public CompletableFuture<Boolean> recordDelivered(UUID id, int httpStatus, Optional<String> caseNumber, long durationMs)
            throws SQLException {
        return attempts.submit(attempt(id, "delivered", "delivered", httpStatus, Optional.empty(), caseNumber, durationMs));
    }

    private static AttemptWriter.Attempt attempt(UUID id, String status, String outcome, Integer httpStatus,
                                                 Optional<String> error, Optional<String> caseNumber, long durationMs) {
        return new AttemptWriter.Attempt(id, status, outcome, httpStatus, error.orElse(null), caseNumber.orElse(null),
                (int) Math.min(Integer.MAX_VALUE, durationMs));
    }

    /** Back to pending at now + delay, releasing the lease; {@code round} adds to the durable round count. */
    public void reschedule(UUID id, Duration delay, int round) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RESCHEDULE)) {
            ps.setDouble(1, delay.toMillis() / 1000.0);
            ps.setInt(2, round);
            ps.setString(3, id.toString());
            ps.setString(4, instanceId);
            ps.executeUpdate();
        }
    }

    /** Ends the lease with a final or waiting status: failed (dead letter) or throttled (deferred). */
    public void finish(UUID id, String status, Optional<String> error) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FINISH)) {
            ps.setString(1, status);
            ps.setString(2, error.orElse(null));
            ps.setString(3, id.toString());
            ps.setString(4, instanceId);
            ps.executeUpdate();
        }
    }

    public void disableWebhook(long agencyId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DISABLE_WEBHOOK)) {
            ps.setLong(1, agencyId);
            ps.executeUpdate();
        }
    }

    /** 410 Gone: deactivates the delivery's target, the subscription or else the agency's webhook. */
    public void disableTarget(ClaimedDelivery d) throws SQLException {
        if (d.subscriptionId().isEmpty()) {
            disableWebhook(d.agencyId());
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DISABLE_SUBSCRIPTION)) {
            ps.setLong(1, d.subscriptionId().get());
            ps.executeUpdate();
        }
    }

    private static void setInt(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }

    private static List<ClaimedDelivery> read(PreparedStatement ps) throws SQLException {
        List<ClaimedDelivery> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(ClaimedDelivery.read(rs));
            }
        }
        return out;
    }
}
