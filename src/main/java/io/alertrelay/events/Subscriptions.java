package io.alertrelay.events;

import io.alertrelay.db.SqlStatements;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Subscriptions in PostgreSQL, with the active ones per event type cached for the fan-out. A change
 * made here invalidates the cache at once; changes made by another instance are seen within the TTL
 * (and the fan-out statement re-checks that each subscription is still active).
 */
public final class Subscriptions {

    private static final String INSERT = SqlStatements.load("subscription-insert");
    private static final String SELECT = SqlStatements.load("subscription-select");
    private static final String UPDATE = SqlStatements.load("subscription-update");
    private static final String ROTATE = SqlStatements.load("subscription-rotate-secret");
    private static final String DELETE = SqlStatements.load("subscription-delete");
    private static final String ACTIVE = SqlStatements.load("subscription-active");
    private static final String AGENCY_ID = SqlStatements.load("agency-id-by-name");
    private static final String AGENCIES = SqlStatements.load("subscription-agencies");

    /** A subscription as stored, without its secret. */
    public record Subscription(long id, String name, String eventType, String target, boolean active,
                               String customHeadersJson, Optional<String> agency, String createdAt, String updatedAt) {
    }

    /** What an admin sets: everything but the id and the secret. */
    public record Fields(String name, String eventType, String target, boolean active, String customHeadersJson,
                         Optional<Long> agencyId) {
    }

    private record Snapshot(Map<String, List<Long>> byType, long loadedAtNanos) {
    }

    private final DataSource dataSource;
    private final long ttlNanos;
    private volatile Snapshot cache;

    public Subscriptions(DataSource dataSource, Duration cacheTtl) {
        this.dataSource = dataSource;
        this.ttlNanos = cacheTtl.toNanos();
    }

    /** Ids of the active subscriptions for {@code type}, those for '*' included. */
    public List<Long> activeFor(String type) throws SQLException {
        Snapshot s = cache;
        if (s == null || System.nanoTime() - s.loadedAtNanos() > ttlNanos) {
            s = load();
            cache = s;
        }
        List<Long> out = new ArrayList<>(s.byType().getOrDefault(type, List.of()));
        out.addAll(s.byType().getOrDefault("*", List.of()));
        return out;
    }

    /** Drops the cached lookups; the next fan-out reads the table again. */
    public void invalidate() {
        cache = null;
    }

    private Snapshot load() throws SQLException {
        Map<String, List<Long>> byType = new HashMap<>();
        long at = System.nanoTime();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ACTIVE);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                byType.computeIfAbsent(rs.getString("event_type"), t -> new ArrayList<>()).add(rs.getLong("id"));
            }
        }
        return new Snapshot(byType, at);
    }

    public long create(Fields f, String secretEnc) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, f.name());
            ps.setString(2, f.eventType());
            ps.setString(3, f.target());
            ps.setString(4, secretEnc);
            ps.setBoolean(5, f.active());
            ps.setString(6, f.customHeadersJson());
            setLong(ps, 7, f.agencyId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } finally {
            invalidate();
        }
    }

    public boolean update(long id, Fields f) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(UPDATE)) {
            ps.setString(1, f.name());
            ps.setString(2, f.eventType());
            ps.setString(3, f.target());
            ps.setBoolean(4, f.active());
            ps.setString(5, f.customHeadersJson());
            setLong(ps, 6, f.agencyId());
            ps.setLong(7, id);
            return ps.executeUpdate() == 1;
        } finally {
            invalidate();
        }
    }

    public boolean rotateSecret(long id, String secretEnc) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ROTATE)) {
            ps.setString(1, secretEnc);
            ps.setLong(2, id);
            return ps.executeUpdate() == 1;
        }
    }

    public boolean delete(long id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setLong(1, id);
            return ps.executeUpdate() == 1;
        } finally {
            invalidate();
        }
    }

    public List<Subscription> list() throws SQLException {
        return query(SELECT + " ORDER BY s.id", null);
    }

    public Optional<Subscription> find(long id) throws SQLException {
        return query(SELECT + " AND s.id = ?", id).stream().findFirst();
    }

    public Optional<Long> agencyId(String name) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(AGENCY_ID)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /** Agencies shown as the subscriptions they are: code.flagged by routing, code.unflagged to those told. */
    public List<Map<String, Object>> agenciesAsSubscriptions() throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(AGENCIES);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("kind", "agency");
                m.put("agency", rs.getString("name"));
                m.put("eventTypes", List.of("code.flagged", "code.unflagged"));
                m.put("target", rs.getString("webhook_url"));
                m.put("active", rs.getBoolean("webhook_active"));
                m.put("managedAt", "/api/admin/management/webhooks/" + rs.getString("name") + "/config");
                out.add(m);
            }
        }
        return out;
    }

    private List<Subscription> query(String sql, Long id) throws SQLException {
        List<Subscription> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (id != null) {
                ps.setLong(1, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Subscription(rs.getLong("id"), rs.getString("name"), rs.getString("event_type"),
                            rs.getString("target"), rs.getBoolean("active"), rs.getString("custom_headers"),
                            Optional.ofNullable(rs.getString("agency")), iso(rs.getTimestamp("created_at")),
                            iso(rs.getTimestamp("updated_at"))));
                }
            }
        }
        return out;
    }

    private static void setLong(PreparedStatement ps, int i, Optional<Long> v) throws SQLException {
        if (v.isPresent()) {
            ps.setLong(i, v.get());
        } else {
            ps.setNull(i, Types.BIGINT);
        }
    }

    static String iso(Timestamp ts) {
        return ts == null ? null : ts.toInstant().toString();
    }
}
