package io.alertrelay.analytics;

import io.alertrelay.db.SqlStatements;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The midnight analytics of one day (in the schedule zone): the category distribution snapshot and
 * per-agency flag counts. Both are recomputed and upserted in one transaction, so running a day twice
 * leaves the same rows as running it once.
 */
public final class DailyAnalytics {

    private static final String SNAPSHOT = SqlStatements.load("analytics-snapshot-upsert");
    private static final String AGENCY_DAY = SqlStatements.load("analytics-agency-day-upsert");
    private static final String AGENCY_DAY_STALE = SqlStatements.load("analytics-agency-day-stale");

    private final DataSource dataSource;
    private final ZoneId zone;

    public DailyAnalytics(DataSource dataSource, ZoneId zone) {
        this.dataSource = dataSource;
        this.zone = zone;
    }

    public ZoneId zone() {
        return zone;
    }

    /** Snapshots and analyses {@code day}; returns what was stored. */
    public Map<String, Object> run(LocalDate day) throws SQLException {
        OffsetDateTime start = day.atStartOfDay(zone).toOffsetDateTime();
        OffsetDateTime end = day.plusDays(1).atStartOfDay(zone).toOffsetDateTime();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("day", day.toString());
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement(SNAPSHOT)) {
                    ps.setObject(1, day);
                    try (ResultSet rs = ps.executeQuery()) {
                        result.put("categoryDistribution", Rows.read(rs).get(0));
                    }
                }
                int agencies = 0;
                long flags = 0;
                try (PreparedStatement ps = c.prepareStatement(AGENCY_DAY)) {
                    Rows.bind(ps, day, start, end);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            agencies++;
                            flags += rs.getLong("total");
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(AGENCY_DAY_STALE)) {
                    ps.setObject(1, day);
                    result.put("staleAgencyRowsRemoved", ps.executeUpdate());
                }
                c.commit();
                result.put("agencies", agencies);
                result.put("agencyFlagCount", flags);
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
