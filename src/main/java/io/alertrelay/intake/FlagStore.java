package io.alertrelay.intake;

import io.alertrelay.db.SqlStatements;
import io.alertrelay.delivery.ClaimedDelivery;
import io.alertrelay.delivery.DeliveryStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Flags and their outbox rows in PostgreSQL. */
public final class FlagStore {

    private static final String FIND_CODE = SqlStatements.load("find-code");
    private static final String RECORD_FLAG = SqlStatements.load("record-flag");
    private static final String FIND_BY_KEY = SqlStatements.load("find-flag-by-idempotency-key");
    private static final String FIND_FLAG = SqlStatements.load("find-flag");
    private static final String FIND_FLAG_DELIVERIES = SqlStatements.load("find-flag-deliveries");
    private static final String DELIVERY_ATTEMPTS = SqlStatements.load("delivery-attempts");

    private final DataSource dataSource;
    private final DeliveryStore leases;

    /** {@code leases}: whose instance id and lease length the new outbox rows are leased with. */
    public FlagStore(DataSource dataSource, DeliveryStore leases) {
        this.dataSource = dataSource;
        this.leases = leases;
    }

    /**
     * The outcome of recording: the flag's id, the agencies that got an outbox row, and those rows that
     * were leased to this instance (their agency takes deliveries now), ready for the workers.
     */
    public record Recorded(UUID flagId, List<String> agencies, List<ClaimedDelivery> leased) {
    }

    /** An earlier flag recorded under the same Idempotency-Key. */
    public record Earlier(UUID flagId, String fingerprint, String code, String category) {
    }

    public Optional<CodeDetails> findCode(String code) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND_CODE)) {
            ps.setString(1, code);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new CodeDetails(rs.getLong("code_id"), rs.getString("code"),
                        rs.getString("batch_number"), Optional.ofNullable(rs.getString("expires_on")),
                        rs.getLong("product_id"), rs.getString("product_name"),
                        Optional.ofNullable(rs.getString("registration_number")),
                        rs.getLong("manufacturer_id"), rs.getString("manufacturer_name"),
                        Optional.ofNullable(rs.getString("manufacturer_country")), rs.getString("category")));
            }
        }
    }

    /**
     * Inserts the flag, marks the code and writes one outbox row per known agency, atomically.
     * Empty when the Idempotency-Key was already used (nothing was written).
     */
    public Optional<Recorded> record(UUID flagId, CodeDetails code, FlagRequest request, String correlationId,
                                     OffsetDateTime at, String payload, List<String> agencies) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RECORD_FLAG)) {
            int i = 1;
            ps.setString(i++, flagId.toString());
            ps.setLong(i++, code.codeId());
            ps.setString(i++, request.reason().wire());
            ps.setString(i++, request.severity().wire());
            ps.setString(i++, request.note().orElse(null));
            ps.setString(i++, request.reportedBy().orElse(null));
            ps.setString(i++, request.idempotencyKey().orElse(null));
            ps.setString(i++, request.fingerprint());
            ps.setString(i++, correlationId);
            ps.setObject(i++, at);
            ps.setString(i++, payload);
            ps.setInt(i++, request.severity().rank());
            ps.setString(i++, correlationId);
            ps.setString(i++, leases.instanceId());
            ps.setLong(i++, leases.lease().toSeconds());
            ps.setArray(i, c.createArrayOf("text", agencies.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                List<String> names = new ArrayList<>();
                List<ClaimedDelivery> leased = new ArrayList<>();
                do {
                    String agency = rs.getString("agency");
                    if (agency != null) {
                        names.add(agency);
                        if (rs.getBoolean("leased")) {
                            leased.add(ClaimedDelivery.read(rs));
                        }
                    }
                } while (rs.next());
                return Optional.of(new Recorded(flagId, names, leased));
            }
        }
    }

    public Optional<Earlier> findByIdempotencyKey(String key) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND_BY_KEY)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Earlier(rs.getObject("flag_id", UUID.class), rs.getString("request_fingerprint"),
                        rs.getString("code"), rs.getString("category")));
            }
        }
    }

    /** The flag as JSON-ready fields with its deliveries, or empty when unknown. */
    public Optional<Map<String, Object>> findFlag(UUID flagId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Map<String, Object> flag = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(FIND_FLAG)) {
                ps.setString(1, flagId.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    flag.put("flagId", rs.getString("flag_id"));
                    flag.put("code", rs.getString("code"));
                    flag.put("category", rs.getString("category"));
                    flag.put("product", rs.getString("product_name"));
                    flag.put("manufacturer", rs.getString("manufacturer_name"));
                    flag.put("reason", rs.getString("reason"));
                    flag.put("severity", rs.getString("severity"));
                    flag.put("note", rs.getString("note"));
                    flag.put("reportedBy", rs.getString("reported_by"));
                    flag.put("codeFlagged", rs.getBoolean("is_flagged"));
                    flag.put("correlationId", rs.getString("correlation_id"));
                    flag.put("createdAt", iso(rs.getTimestamp("created_at")));
                }
            }
            List<Map<String, Object>> deliveries = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(FIND_FLAG_DELIVERIES)) {
                ps.setString(1, flagId.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> d = new LinkedHashMap<>();
                        d.put("deliveryId", rs.getString("id"));
                        d.put("agency", rs.getString("agency"));
                        d.put("eventType", rs.getString("event_type"));
                        d.put("status", rs.getString("status"));
                        d.put("attempts", rs.getInt("attempts"));
                        d.put("lastHttpStatus", (Integer) rs.getObject("last_http_status"));
                        d.put("lastError", rs.getString("last_error"));
                        d.put("caseNumber", rs.getString("case_number"));
                        d.put("nextAttemptAt", iso(rs.getTimestamp("next_attempt_at")));
                        d.put("createdAt", iso(rs.getTimestamp("created_at")));
                        d.put("deliveredAt", iso(rs.getTimestamp("delivered_at")));
                        deliveries.add(d);
                    }
                }
            }
            attachAttempts(c, deliveries);
            flag.put("deliveries", deliveries);
            return Optional.of(flag);
        }
    }

    /** Each delivery gets its attempts from webhook_logs as {@code attemptLog}. */
    private static void attachAttempts(Connection c, List<Map<String, Object>> deliveries) throws SQLException {
        Map<String, List<Map<String, Object>>> byDelivery = new LinkedHashMap<>();
        for (Map<String, Object> d : deliveries) {
            List<Map<String, Object>> log = new ArrayList<>();
            byDelivery.put((String) d.get("deliveryId"), log);
            d.put("attemptLog", log);
        }
        if (byDelivery.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(DELIVERY_ATTEMPTS)) {
            ps.setArray(1, c.createArrayOf("uuid", byDelivery.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> a = new LinkedHashMap<>();
                    a.put("attempt", rs.getInt("attempt"));
                    a.put("outcome", rs.getString("outcome"));
                    a.put("httpStatus", (Integer) rs.getObject("http_status"));
                    a.put("durationMs", (Integer) rs.getObject("duration_ms"));
                    a.put("error", rs.getString("error"));
                    a.put("at", iso(rs.getTimestamp("created_at")));
                    byDelivery.get(rs.getString("delivery_id")).add(a);
                }
            }
        }
    }

    private static String iso(Timestamp ts) {
        return ts == null ? null : ts.toInstant().toString();
    }
}
