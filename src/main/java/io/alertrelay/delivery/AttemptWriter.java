package io.alertrelay.delivery;

import io.alertrelay.db.GroupCommit;
import io.alertrelay.db.SqlStatements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Records delivery attempts with group commit: a worker hands its attempt over; one writer thread
 * writes everything queued meanwhile (or within a short linger after the batch's first) in one
 * statement and one transaction, then completes each attempt's future. With {@link #record} a worker
 * goes on only once its attempt is durable, as with a statement of its own; with {@link #submit} (a
 * delivered attempt, which nothing waits on) at once. Either way the database does one statement, one
 * commit and one WAL flush for the whole batch: the attempt record was the last per-delivery statement
 * on the hot path (a benchmark profile put PostgreSQL at about half of the CPU a delivery costs, mostly
 * per-statement and per-commit work).
 */
public final class AttemptWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptWriter.class);
    private static final String RECORD_ATTEMPTS = SqlStatements.load("delivery-record-attempts");
    /** The longest a worker waits for its attempt to be recorded. */
    private static final Duration RECORD_WAIT = Duration.ofSeconds(60);

    /** One attempt's outcome as the delivery and webhook_logs rows record it. */
    public record Attempt(UUID deliveryId, String status, String outcome, Integer httpStatus, String error,
                          String caseNumber, int durationMs) {
    }

    private final DataSource dataSource;
    private final String instanceId;
    private final GroupCommit<Attempt, Boolean> group;

    /**
     * @param linger how long the first attempt of a batch waits for others to join it. Without it, at
     *               a steady 1,000 attempts a second most batches held one or two attempts, and this
     *               writer's database session was PostgreSQL's busiest (a fifth of a core: a statement
     *               and a flushed commit per batch). The agency already has the webhook, and a delivered
     *               attempt's worker does not wait for it ({@link #submit}): only the record waits.
     */
    public AttemptWriter(DataSource dataSource, String instanceId, int maxBatch, Duration linger) {
        this.dataSource = dataSource;
        this.instanceId = instanceId;
        this.group = new GroupCommit<>("attempt-writer", maxBatch, linger, this::write);
    }

    /**
     * Queues the attempt and returns at once: the future completes once it is committed (true), when this
     * instance no longer holds the lease (false), or with the failure that kept it from being written.
     */
    public CompletableFuture<Boolean> submit(Attempt attempt) throws SQLException {
        return group.submit(attempt);
    }

    /** Records the attempt and waits until it is committed; false when this instance no longer holds the lease. */
    public boolean record(Attempt attempt) throws SQLException {
        return group.await(attempt, RECORD_WAIT);
    }

    private void write(List<GroupCommit.Pending<Attempt, Boolean>> batch) {
        // one row per delivery, in id order. Ids do not repeat: a delivery has one attempt in flight at a
        // time (a failed one's worker waits for it; a delivered one is final and its lease lasts until recorded)
        batch.sort(Comparator.comparing(q -> q.item().deliveryId()));
        int n = batch.size();
        UUID[] ids = new UUID[n];
        String[] statuses = new String[n];
        Integer[] httpStatuses = new Integer[n];
        String[] errors = new String[n];
        String[] caseNumbers = new String[n];
        String[] outcomes = new String[n];
        Integer[] durations = new Integer[n];
        for (int i = 0; i < n; i++) {
            Attempt a = batch.get(i).item();
            ids[i] = a.deliveryId();
            statuses[i] = a.status();
            httpStatuses[i] = a.httpStatus();
            errors[i] = a.error();
            caseNumbers[i] = a.caseNumber();
            outcomes[i] = a.outcome();
            durations[i] = a.durationMs();
        }
        Set<UUID> updated = new HashSet<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RECORD_ATTEMPTS)) {
            ps.setArray(1, c.createArrayOf("uuid", ids));
            ps.setArray(2, c.createArrayOf("text", statuses));
            ps.setArray(3, c.createArrayOf("int4", httpStatuses));
            ps.setArray(4, c.createArrayOf("text", errors));
            ps.setArray(5, c.createArrayOf("text", caseNumbers));
            ps.setArray(6, c.createArrayOf("text", outcomes));
            ps.setArray(7, c.createArrayOf("int4", durations));
            ps.setString(8, instanceId);
            ps.setString(9, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    updated.add(rs.getObject(1, UUID.class));
                }
            }
        } catch (SQLException e) {
            LOG.warn("Recording {} delivery attempts failed: {}", n, e.getMessage());
            batch.forEach(q -> q.fail(e));
            return;
        }
        batch.forEach(q -> q.complete(updated.contains(q.item().deliveryId())));
    }

    /** Statements written so far (each one batch). */
    public long batches() {
        return group.batches();
    }

    /** Writes what is queued, then stops (after the delivery workers have stopped). */
    @Override
    public void close() {
        group.close();
    }
}
