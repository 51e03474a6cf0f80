package io.alertrelay.quota;

import io.alertrelay.db.SqlStatements;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Per-agency hourly and daily alert quotas kept in PostgreSQL (agency_rate_limits). A reservation is
 * one atomic UPDATE, so any number of instances together never exceed a limit.
 */
public final class AgencyQuota {

    private static final String RESERVE = SqlStatements.load("quota-reserve");
    private static final String RELEASE = SqlStatements.load("quota-release");
    private static final String MARK_THROTTLED = SqlStatements.load("quota-mark-throttled");
    private static final String RESET_HOUR = SqlStatements.load("quota-reset-hour");
    private static final String RESET_DAY = SqlStatements.load("quota-reset-day");
    private static final String RELEASE_DEFERRED = SqlStatements.load("quota-release-deferred");
    private static final String ENSURE_ROWS = SqlStatements.load("rate-limit-rows");

    private final DataSource dataSource;
    private final ZoneId zone;

    public AgencyQuota(DataSource dataSource, ZoneId zone) {
        this.dataSource = dataSource;
        this.zone = zone;
    }

    /** Takes one alert from the agency's hour and day quota; false when either is used up. */
    public boolean tryReserve(long agencyId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (reserve(c, agencyId)) {
                return true;
            }
            // an agency created without its quota row gets the defaults, then one more try
            try (PreparedStatement ps = c.prepareStatement(ENSURE_ROWS)) {
                if (ps.executeUpdate() > 0) {
                    return reserve(c, agencyId);
                }
            }
            return false;
        }
    }

    private static boolean reserve(Connection c, long agencyId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RESERVE)) {
            ps.setLong(1, agencyId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Gives back a reservation whose alert was not sent. */
    public void release(long agencyId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RELEASE)) {
            ps.setLong(1, agencyId);
            ps.executeUpdate();
        }
    }

    /** Marks the agency throttled until the next reset of the limit it hit; returns that time. */
    public OffsetDateTime markThrottled(long agencyId) throws SQLException {
        ZonedDateTime now = ZonedDateTime.now(zone);
        OffsetDateTime nextHour = now.truncatedTo(ChronoUnit.HOURS).plusHours(1).toOffsetDateTime();
        OffsetDateTime nextMidnight = now.toLocalDate().plusDays(1).atStartOfDay(zone).toOffsetDateTime();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(MARK_THROTTLED)) {
            ps.setObject(1, nextMidnight);
            ps.setObject(2, nextHour);
            ps.setLong(3, agencyId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1, OffsetDateTime.class) : nextHour.withOffsetSameInstant(ZoneOffset.UTC);
            }
        }
    }

    /** Hourly: hour counters to zero, hour throttles lifted. Returns the agencies touched. */
    public int resetHour() throws SQLException {
        return execute(RESET_HOUR);
    }

    /** Daily (midnight in the configured zone): both counters to zero, every throttle lifted. */
    public int resetDay() throws SQLException {
        return execute(RESET_DAY);
    }

    /**
     * Moves deferred alerts back to pending, most severe first, as many per agency as its quota
     * now allows. Returns their ids in release order (for an immediate hand-off).
     */
    public List<UUID> releaseDeferred() throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RELEASE_DEFERRED);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
        }
        return ids;
    }

    private int execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            return ps.executeUpdate();
        }
    }
}
