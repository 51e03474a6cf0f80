package io.alertrelay.delivery;

import io.alertrelay.db.SqlStatements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

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

    private record Queued(Attempt attempt, CompletableFuture<Boolean> recorded, long queuedAt) {
    }

    private final DataSource dataSource;
    private final String instanceId;
    private final int maxBatch;
    private final long lingerNanos;
    private final BlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean running = true;
    private final java.util.concurrent.atomic.LongAdder batches = new java.util.concurrent.atomic.LongAdder();

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
        this.maxBatch = Math.max(1, maxBatch);
        this.lingerNanos = Math.max(0, linger.toNanos());
        this.writer = new Thread(this::run, "attempt-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Queues the attempt and returns at once: the future completes once it is committed (true), when this
     * instance no longer holds the lease (false), or with the failure that kept it from being written.
     */
    public CompletableFuture<Boolean> submit(Attempt attempt) throws SQLException {
        CompletableFuture<Boolean> recorded = new CompletableFuture<>();
        if (!running) {
            throw new SQLException("attempt writer stopped");
        }
        queue.add(new Queued(attempt, recorded, System.nanoTime()));
        return recorded;
    }

    /** Records the attempt and waits until it is committed; false when this instance no longer holds the lease. */
    public boolean record(Attempt attempt) throws SQLException {
        CompletableFuture<Boolean> recorded = submit(attempt);
        try {
            // bounded: a worker must never wait forever on a writer that cannot write
            return recorded.get(RECORD_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while the attempt was recorded", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SQLException s ? s : new SQLException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new SQLException("the attempt was not recorded within " + RECORD_WAIT.toSeconds() + " s", e);
        }
    }

    private void run() {
        List<Queued> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Queued first = queue.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                linger(batch, first.queuedAt() + lingerNanos);
                write(batch);
            } catch (InterruptedException e) {
                running = false;
            } catch (RuntimeException | Error e) {
                // the writer goes on: the workers of this batch get the failure and their error policy
                LOG.error("Delivery attempt writer failed on a batch of {}: {}", batch.size(), e.toString());
                batch.forEach(q -> q.recorded().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    /** Lets more attempts join the batch until its first has waited the linger (not while stopping). */
    private void linger(List<Queued> batch, long until) {
        long left;
        while (running && batch.size() < maxBatch && (left = until - System.nanoTime()) > 0) {
            Queued next;
            try {
                next = queue.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                running = false; // the batch in hand is still written
                return;
            }
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, maxBatch - batch.size());
        }
    }

    private void write(List<Queued> batch) {
        // one row per delivery, in id order. Ids do not repeat: a delivery has one attempt in flight at a
        // time (a failed one's worker waits for it; a delivered one is final and its lease lasts until recorded)
        batch.sort(Comparator.comparing(q -> q.attempt().deliveryId()));
        int n = batch.size();
        UUID[] ids = new UUID[n];
        String[] statuses = new String[n];
        Integer[] httpStatuses = new Integer[n];
        String[] errors = new String[n];
        String[] caseNumbers = new String[n];
        String[] outcomes = new String[n];
        Integer[] durations = new Integer[n];
        for (int i = 0; i < n; i++) {
            Attempt a = batch.get(i).attempt();
            ids[i] = a.deliveryId();
            statuses[i] = a.status();
            httpStatuses[i] = a.httpStatus();
            errors[i] = a.error();
            caseNumbers[i] = a.caseNumber();
            outcomes[i] = a.outcome();
            durations[i] = a.durationMs();
        }
        batches.increment();
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
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    updated.add(rs.getObject(1, UUID.class));
                }
            }
        } catch (SQLException e) {
            LOG.warn("Recording {} delivery attempts failed: {}", n, e.getMessage());
            batch.forEach(q -> q.recorded().completeExceptionally(e));
            return;
        }
        batch.forEach(q -> q.recorded().complete(updated.contains(q.attempt().deliveryId())));
    }

    /** Statements written so far (each one batch). */
    public long batches() {
        return batches.sum();
    }

    /** Writes what is queued, then stops (after the delivery workers have stopped). */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
