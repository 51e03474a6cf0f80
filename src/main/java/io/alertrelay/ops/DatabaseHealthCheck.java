package io.alertrelay.ops;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Readiness: the pool hands out a connection and PostgreSQL answers within a bound. Not a liveness
 * check: restarting the relay does not bring a database back.
 */
public final class DatabaseHealthCheck extends AbstractHealthCheck {

    private final DataSource dataSource;
    private final Duration timeout;
    private final ExecutorService probes = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "relay-health-db");
        t.setDaemon(true);
        return t;
    });

    public DatabaseHealthCheck(DataSource dataSource, Duration timeout) {
        super("relay", "database");
        this.dataSource = dataSource;
        this.timeout = timeout;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long begin = System.nanoTime();
        CompletableFuture<String> probe = CompletableFuture.supplyAsync(this::query, probes);
        try {
            String version = probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            builder.up().detail("database.version", version)
                    .detail("database.latencyMs", (System.nanoTime() - begin) / 1_000_000);
        } catch (TimeoutException e) {
            probe.cancel(true);
            builder.down().message("database did not answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            builder.down().message("interrupted");
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            builder.down().message("database unreachable: " + cause.getMessage());
        }
    }

    private String query() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version')")) {
            rs.next();
            return rs.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
