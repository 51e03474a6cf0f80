package io.alertrelay.analytics;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Daily purge of old rows in bounded batches (one short statement each, so no long lock and no huge
 * transaction): raw inbound events, delivery attempt logs and the job run log. A table that does not
 * exist (the raw events table comes with the inbound webhooks feature) is skipped, not an error.
 */
public final class Housekeeping {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** One table to purge: rows whose {@code timeColumn} is older than {@code maxAge}. */
    public record Target(String name, String table, String timeColumn, Duration maxAge) {
        public Target {
            if (!IDENTIFIER.matcher(table).matches() || !IDENTIFIER.matcher(timeColumn).matches()) {
                throw new IllegalArgumentException("housekeeping table and column must be plain SQL identifiers: "
                        + table + "." + timeColumn);
            }
        }
    }

    private final DataSource dataSource;
    private final Iterable<Target> targets;
    private final int batchSize;

    public Housekeeping(DataSource dataSource, Iterable<Target> targets, int batchSize) {
        this.dataSource = dataSource;
        this.targets = targets;
        this.batchSize = batchSize;
    }

    /** Purges every target; returns rows deleted per target (-1: table absent). */
    public Map<String, Object> run() throws SQLException {
        Map<String, Object> deleted = new LinkedHashMap<>();
        for (Target t : targets) {
            deleted.put(t.name(), purge(t));
        }
        return deleted;
    }

    private long purge(Target t) throws SQLException {
        OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(t.maxAge());
        // ctid works on any table, whatever its key; each batch is its own short autocommit statement
        String sql = "DELETE FROM " + t.table() + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " + t.table()
                + " WHERE " + t.timeColumn() + " < ? LIMIT ?))";
        long total = 0;
        try (Connection c = dataSource.getConnection()) {
            if (!exists(c, t.table())) {
                return -1;
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                while (true) {
                    ps.setObject(1, cutoff);
                    ps.setInt(2, batchSize);
                    int n = ps.executeUpdate();
                    total += n;
                    if (n < batchSize) {
                        return total;
                    }
                }
            }
        }
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
