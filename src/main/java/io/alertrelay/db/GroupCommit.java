package io.alertrelay.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Group commit: callers hand over an item; one writer thread takes everything queued meanwhile (or
 * within a short linger after the batch's first item, up to a bounded batch) and writes it with one
 * transaction, then completes each item's future. The database does one commit and one WAL flush per
 * batch instead of one per item. Used by the delivery attempt writer and the flag intake.
 *
 * @param <T> what a caller hands over
 * @param <R> what it gets back once its item is committed
 */
public final class GroupCommit<T, R> implements AutoCloseable {

    /** Writes one batch; completes or fails each item. An item left open is failed by the caller. */
    @FunctionalInterface
    public interface BatchWriter<T, R> {
        void write(List<Pending<T, R>> batch);
    }

    /** An item waiting in a batch, and its caller's future. */
    public record Pending<T, R>(T item, CompletableFuture<R> result, long queuedAt) {
        public void complete(R value) {
            result.complete(value);
        }

        public void fail(Throwable failure) {
            result.completeExceptionally(failure);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    private final String name;
    private final int maxBatch;
    private final long lingerNanos;
    private final BatchWriter<T, R> writer;
    private final BlockingQueue<Pending<T, R>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final LongAdder batches = new LongAdder();
    private volatile boolean running = true;

    public GroupCommit(String name, int maxBatch, Duration linger, BatchWriter<T, R> writer) {
        this.name = name;
        this.maxBatch = Math.max(1, maxBatch);
        this.lingerNanos = Math.max(0, linger.toNanos());
        this.writer = writer;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues the item and returns at once; the future completes once it is committed, or with why it was not. */
    public CompletableFuture<R> submit(T item) throws SQLException {
        if (!running) {
            throw new SQLException(name + " stopped");
        }
        CompletableFuture<R> result = new CompletableFuture<>();
        queue.add(new Pending<>(item, result, System.nanoTime()));
        return result;
    }

    /** Queues the item and waits (bounded: never forever on a writer that cannot write) until it is committed. */
    public R await(T item, Duration wait) throws SQLException {
        CompletableFuture<R> result = submit(item);
        try {
            return result.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for " + name, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e.getCause() instanceof SQLException s ? s : new SQLException(e.getCause());
        } catch (TimeoutException e) {
            throw new SQLException(name + " did not commit within " + wait.toSeconds() + " s", e);
        }
    }

    /** Batches written so far. */
    public long batches() {
        return batches.sum();
    }

    private void run() {
        List<Pending<T, R>> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending<T, R> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                linger(batch, first.queuedAt() + lingerNanos);
                batches.increment();
                writer.write(batch);
            } catch (InterruptedException e) {
                running = false;
            } catch (RuntimeException | Error e) {
                // the writer goes on: the callers of this batch get the failure and their error policy
                LOG.error("{} failed on a batch of {}: {}", name, batch.size(), e.toString());
                batch.forEach(p -> p.fail(e));
            } finally {
                batch.forEach(p -> p.fail(new SQLException(name + " left the item unwritten")));
                batch.clear();
            }
        }
    }

    /** Lets more items join the batch until its first has waited the linger (not while stopping). */
    private void linger(List<Pending<T, R>> batch, long until) {
        long left;
        while (running && batch.size() < maxBatch && (left = until - System.nanoTime()) > 0) {
            Pending<T, R> next;
            try {
                next = queue.poll(left, TimeUnit.NANOSECONDS);
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

    /** Writes what is queued, then stops (after the callers have stopped). */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
