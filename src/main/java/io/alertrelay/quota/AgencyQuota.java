package io.alertrelay.quota;

import io.alertrelay.db.SqlStatements;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-agency hourly and daily alert quotas kept in PostgreSQL (agency_rate_limits), handed out from
 * memory in allowances.
 *
 * <p>An instance takes a block of an agency's quota with one atomic statement (so any number of
 * instances together never exceed a limit) and answers the following quota checks from that block
 * without a database round trip. The block size adapts to the agency's traffic: one alert at a time
 * when it is quiet (the counters then show exactly what was sent), doubling while blocks run out
 * within their lifetime, up to {@code maxBlock}. An allowance lives {@code lifetime} (one second by
 * default); what is left of it then goes back to the counters ({@link #settle()}, also at shutdown),
 * so the counters count alerts sent plus at most about one and a half blocks per instance and agency
 * (a busy agency's next block is taken while half of the current one is left).
 *
 * <p>Units are given back only to the hour and day they were taken from (epochs move on at each
 * reset). A reservation taken just before a reset and used just after it counts in the hour it was
 * taken in.
 *
 * <p>A block belongs to a live instance: the grant records it in {@code quota_allowances} under this
 * instance's id (the one it beats with, delivery.InstanceHeartbeat), and giving the rest back removes
 * the record. When an instance stops beating (kill -9, a lost host), the instance that notices returns
 * what the dead one had not used to the counters, in the statement that frees its deliveries, so its
 * blocks are available to the others within seconds instead of at the next reset.
 */
public final class AgencyQuota {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AgencyQuota.class);
    private static final String GRANT = SqlStatements.load("quota-grant");
    private static final String RELEASE = SqlStatements.load("quota-release");
    private static final String GIVE_BACK = SqlStatements.load("quota-give-back");
    private static final String BLOCKS_HELD = SqlStatements.load("quota-blocks-held");
    private static final String MARK_THROTTLED = SqlStatements.load("quota-mark-throttled");
    private static final String RESET_HOUR = SqlStatements.load("quota-reset-hour");
    private static final String RESET_DAY = SqlStatements.load("quota-reset-day");
    private static final String RELEASE_DEFERRED = SqlStatements.load("quota-release-deferred");
    private static final String ENSURE_ROWS = SqlStatements.load("rate-limit-rows");

    private final DataSource dataSource;
    /** The instance the blocks are recorded for; empty for jobs that only reset and release. */
    private final Optional<String> instanceId;
    private final ZoneId zone;
    private final int maxBlock;
    private final long lifetimeNanos;
    private final Map<Long, Allowance> allowances = new ConcurrentHashMap<>();

    /** One agency's block in this instance: what is left of it, and the epochs it was taken in. */
    private static final class Allowance {
        int block;
        int left;
        long takenAtNanos;
        long hourEpoch;
        long dayEpoch;
        boolean refilling;
    }

    /** Takes the next block while a busy agency's current one is half used, so no check waits for it. */
    private final java.util.concurrent.Executor refiller = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "quota-refill");
        t.setDaemon(true);
        return t;
    });

    /** For jobs (resets, releases) that do not hand out quota. */
    public AgencyQuota(DataSource dataSource, ZoneId zone) {
        this(dataSource, Optional.empty(), zone, 1, Duration.ofSeconds(1));
    }

    /** An instance's quota: its blocks are recorded as {@code instanceId}'s, the id it beats with. */
    public AgencyQuota(DataSource dataSource, String instanceId, ZoneId zone, int maxBlock, Duration lifetime) {
        this(dataSource, Optional.of(instanceId), zone, maxBlock, lifetime);
    }

    private AgencyQuota(DataSource dataSource, Optional<String> instanceId, ZoneId zone, int maxBlock, Duration lifetime) {
        this.dataSource = dataSource;
        this.instanceId = instanceId;
        this.zone = zone;
        this.maxBlock = Math.max(1, maxBlock);
        this.lifetimeNanos = lifetime.toNanos();
    }

    /** Takes one alert from the agency's hour and day quota; false when either is used up. */
    public boolean tryReserve(long agencyId) throws SQLException {
        Allowance a = allowances.computeIfAbsent(agencyId, id -> new Allowance());
        synchronized (a) {
            long now = System.nanoTime();
            boolean live = now - a.takenAtNanos < lifetimeNanos;
            if (live && a.left > 0) {
                a.left--;
                if (a.block >= 4 && a.left <= a.block / 2 && !a.refilling) {
                    a.refilling = true;
                    refiller.execute(() -> refill(agencyId, a));
                }
                return true;
            }
            // the next block: twice the last one when it ran out within its lifetime, else what was used of it
            int want = live ? Math.min(maxBlock, Math.max(1, a.block * 2)) : Math.max(1, a.block - a.left);
            giveBack(agencyId, a);
            int granted = grant(agencyId, Math.min(maxBlock, want), a, true);
            if (granted == 0) {
                a.block = 0;
                return false;
            }
            a.block = granted;
            a.left = granted - 1;
            a.takenAtNanos = now;
            return true;
        }
    }

    /** Adds a block to a busy agency's live allowance (taken outside its lock: checks go on meanwhile). */
    private void refill(long agencyId, Allowance a) {
        Allowance taken = new Allowance();
        int want;
        synchronized (a) {
            want = Math.min(maxBlock, a.block * 2);
        }
        try {
            int granted = grant(agencyId, want, taken, false);
            synchronized (a) {
                if (granted > 0) {
                    if (taken.hourEpoch != a.hourEpoch || taken.dayEpoch != a.dayEpoch) {
                        giveBack(agencyId, a); // a reset came between: the rest of the old block goes to its own epochs
                        a.hourEpoch = taken.hourEpoch;
                        a.dayEpoch = taken.dayEpoch;
                    }
                    a.left += granted;
                    a.block = granted;
                    a.takenAtNanos = System.nanoTime();
                }
            }
        } catch (SQLException e) {
            LOG.warn("Quota allowance for agency {} not refilled in advance: {}", agencyId, e.getMessage());
        } finally {
            synchronized (a) {
                a.refilling = false;
            }
        }
    }

    /**
     * After {@link #tryReserve} said no: how long another instance may still hold unused units of a
     * block for this agency (they come back to the counters by then), or empty when the quota is really
     * used up. A delivery then waits that long instead of being deferred to the next reset.
     */
    public Optional<Duration> heldElsewhere(long agencyId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(BLOCKS_HELD)) {
            ps.setLong(1, agencyId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Duration.ofMillis((long) Math.ceil(rs.getDouble(1) * 1000) + 100))
                        : Optional.empty();
            }
        }
    }

    /** Gives back a reservation whose alert was not sent. */
    public void release(long agencyId) throws SQLException {
        Allowance a = allowances.get(agencyId);
        if (a != null) {
            synchronized (a) {
                if (System.nanoTime() - a.takenAtNanos < lifetimeNanos && a.left < a.block) {
                    a.left++; // back into the live block: settled with the rest of it
                    return;
                }
            }
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RELEASE)) {
            // no live block: the reservation came from the current epochs as far as this instance knows
            Allowance known = a == null ? new Allowance() : a;
            ps.setInt(1, 1);
            ps.setString(2, instanceId.orElse(""));
            ps.setLong(3, agencyId);
            ps.setLong(4, known.hourEpoch);
            ps.setLong(5, known.dayEpoch);
            bindRelease(ps, 5, known.hourEpoch, known.dayEpoch, 1, agencyId);
            ps.executeUpdate();
        }
    }

    /** Gives back what is left of allowances past their lifetime (a timer calls this; also at shutdown with all). */
    public void settle() throws SQLException {
        settle(false);
    }

    public void settleAll() throws SQLException {
        settle(true);
    }

    private void settle(boolean all) throws SQLException {
        long now = System.nanoTime();
        for (Map.Entry<Long, Allowance> e : allowances.entrySet()) {
            Allowance a = e.getValue();
            synchronized (a) {
                if (a.left > 0 && (all || now - a.takenAtNanos >= lifetimeNanos)) {
                    int used = a.block - a.left;
                    giveBack(e.getKey(), a);
                    a.block = Math.max(1, used); // what a lifetime needed: the next block's size
                }
            }
        }
    }

    private void giveBack(long agencyId, Allowance a) throws SQLException {
        if (a.left <= 0) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(GIVE_BACK)) {
            ps.setString(1, instanceId.orElse(""));
            ps.setLong(2, agencyId);
            ps.setLong(3, a.hourEpoch);
            ps.setLong(4, a.dayEpoch);
            bindRelease(ps, 4, a.hourEpoch, a.dayEpoch, a.left, agencyId);
            ps.executeUpdate();
        }
        a.left = 0;
    }

    /** Binds the counters' part of a give-back after the first {@code before} parameters. */
    private static void bindRelease(PreparedStatement ps, int before, long hourEpoch, long dayEpoch, int units,
            long agencyId) throws SQLException {
        ps.setLong(before + 1, hourEpoch);
        ps.setInt(before + 2, units);
        ps.setLong(before + 3, dayEpoch);
        ps.setInt(before + 4, units);
        ps.setLong(before + 5, agencyId);
    }

    /**
     * Takes up to {@code want} units and records them as this instance's block ({@code fresh}: a new
     * block, else added to the live one); records the epochs they belong to. An agency without its row
     * gets the defaults.
     */
    private int grant(long agencyId, int want, Allowance a, boolean fresh) throws SQLException {
        String instance = instanceId.orElseThrow(() -> new IllegalStateException(
                "this AgencyQuota only resets and releases; an instance's quota needs its instance id"));
        try (Connection c = dataSource.getConnection()) {
            int granted = grant(c, instance, agencyId, want, a, fresh);
            if (granted > 0) {
                return granted;
            }
            try (PreparedStatement ps = c.prepareStatement(ENSURE_ROWS)) {
                if (ps.executeUpdate() > 0) {
                    return grant(c, instance, agencyId, want, a, fresh);
                }
            }
            return 0;
        }
    }

    private int grant(Connection c, String instance, long agencyId, int want, Allowance a, boolean fresh)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(GRANT)) {
            ps.setInt(1, want);
            ps.setLong(2, agencyId);
            // unused units come back within a lifetime plus one settle period
            ps.setDouble(3, 2.0 * lifetimeNanos / 1e9 + 1);
            ps.setString(4, instance);
            ps.setBoolean(5, fresh);
            ps.setBoolean(6, fresh);
            ps.setBoolean(7, fresh);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return 0;
                }
                a.hourEpoch = rs.getLong(2);
                a.dayEpoch = rs.getLong(3);
                return rs.getInt(1);
            }
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
