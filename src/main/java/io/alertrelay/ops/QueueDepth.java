package io.alertrelay.ops;

import io.alertrelay.db.SqlStatements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Pending and deferred delivery counts for the gauges: one cheap query on the partial indexes,
 * cached for a few seconds so frequent scrapes of several instances do not load the database.
 */
public final class QueueDepth {

    private static final Logger LOG = LoggerFactory.getLogger(QueueDepth.class);
    private static final String COUNT = SqlStatements.load("ops-queue-depth");

    private final DataSource dataSource;
    private final long maxAgeNanos;
    private long readAt;
    private double pending = Double.NaN;
    private double deferred = Double.NaN;

    public QueueDepth(DataSource dataSource, Duration maxAge) {
        this.dataSource = dataSource;
        this.maxAgeNanos = maxAge.toNanos();
        this.readAt = System.nanoTime() - maxAgeNanos - 1;
    }

    public synchronized double pending() {
        refresh();
        return pending;
    }

    public synchronized double deferred() {
        refresh();
        return deferred;
    }

    private void refresh() {
        long now = System.nanoTime();
        if (now - readAt <= maxAgeNanos) {
            return;
        }
        readAt = now;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(COUNT);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            pending = rs.getLong("pending");
            deferred = rs.getLong("deferred");
        } catch (SQLException e) {
            // NaN tells the scraper the value is unknown; the health check reports the database
            pending = Double.NaN;
            deferred = Double.NaN;
            LOG.debug("Queue depth unavailable: {}", e.getMessage());
        }
    }
}
