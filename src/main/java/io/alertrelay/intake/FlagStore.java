package io.alertrelay.intake;

import io.alertrelay.db.GroupCommit;
import io.alertrelay.db.SqlStatements;
import io.alertrelay.delivery.ClaimedDelivery;
import io.alertrelay.delivery.DeliveryStore;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Flags and their outbox rows in PostgreSQL. */
public final class FlagStore {

    private static final String FIND_CODE = SqlStatements.load("find-code");
    private static final String RECORD_FLAGS = SqlStatements.load("record-flags");
    /** The longest a request waits for its flag's batch to commit. */
    private static final Duration RECORD_WAIT = Duration.ofSeconds(30);
    private static final String FIND_BY_KEY = SqlStatements.load("find-flag-by-idempotency-key");
    private static final String FIND_FLAG = SqlStatements.load("find-flag");
    private static final String FIND_FLAG_DELIVERIES = SqlStatements.load("find-flag-deliveries");
    private static final String DELIVERY_ATTEMPTS = SqlStatements.load("delivery-attempts");

    private final DataSource dataSource;
    private final DeliveryStore leases;
    private final GroupCommit<NewFlag, Optional<Recorded>> writer;
    /**
     * Codes found in the catalogue. A code is never removed or moved to another batch, product or
     * manufacturer (the import only adds codes), so a cached entry can only lag an import's new
     * registration number or expiry date, for at most the cache's time. Unknown codes are not cached:
     * a code imported a moment ago is found at once.
     */
    private final Cache<String, CodeDetails> codes;
    private static final int CACHED_CODES = 100_000;

    /**
     * {@code leases}: whose instance id and lease length the new outbox rows are leased with. Flags
     * that arrive together are written together, at most {@code maxBatch} in one statement and one
     * commit; {@code linger} is how long a batch's first flag waits for others (zero: a batch is what
     * queued while the previous one was written). {@code codeCache}: how long a code found in the
     * catalogue is answered from memory (zero: every flag reads the catalogue).
     */
    public FlagStore(DataSource dataSource, DeliveryStore leases, int maxBatch, Duration linger, Duration codeCache) {
        this.dataSource = dataSource;
        this.leases = leases;
        this.writer = new GroupCommit<>("flag-writer", maxBatch, linger, this::write);
        this.codes = Caffeine.newBuilder().maximumSize(CACHED_CODES).expireAfterWrite(codeCache).build();
    }

    /** A flag to record: its id, code, request, correlation id, time, the agencies' payload and the agencies chosen. */
    public record NewFlag(UUID flagId, CodeDetails code, FlagRequest request, String correlationId,
                          OffsetDateTime at, String payload, List<String> agencies) {
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
        CodeDetails cached = codes.getIfPresent(code);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<CodeDetails> found = lookUp(code);
        found.ifPresent(details -> codes.put(code, details));
        return found;
    }

    private Optional<CodeDetails> lookUp(String code) throws SQLException {
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
     * Inserts the flag, marks the code and writes one outbox row per known agency, atomically, and
     * returns once that is committed (with the flags that arrived meanwhile: group commit). Empty when
     * the Idempotency-Key was already used (nothing was written).
     */
    public Optional<Recorded> record(NewFlag flag) throws SQLException {
        return writer.await(flag, RECORD_WAIT);
    }

    /** Flag batches written so far. */
    public long batches() {
        return writer.batches();
    }

    /** Writes the flags still queued, then stops (after the intake has stopped). */
    public void close() {
        writer.close();
    }

    /**
     * One batch in one statement and one commit. If it fails, each flag is written on its own, so
     * that a flag that cannot be written fails alone and its neighbours commit.
     */
    private void write(List<GroupCommit.Pending<NewFlag, Optional<Recorded>>> batch) {
        try {
            Map<UUID, Recorded> recorded = insert(batch.stream().map(GroupCommit.Pending::item).toList());
            batch.forEach(p -> p.complete(Optional.ofNullable(recorded.get(p.item().flagId()))));
        } catch (SQLException batchFailed) {
            if (batch.size() == 1) {
                batch.get(0).fail(batchFailed);
                return;
            }
            for (GroupCommit.Pending<NewFlag, Optional<Recorded>> p : batch) {
                try {
                    p.complete(Optional.ofNullable(insert(List.of(p.item())).get(p.item().flagId())));
                } catch (SQLException e) {
                    p.fail(e);
                }
            }
        }
    }

    private Map<UUID, Recorded> insert(List<NewFlag> flags) throws SQLException {
        int n = flags.size();
        UUID[] ids = new UUID[n];
        Long[] codes = new Long[n];
        String[] reasons = new String[n];
        String[] severities = new String[n];
        String[] notes = new String[n];
        String[] reporters = new String[n];
        String[] keys = new String[n];
        String[] fingerprints = new String[n];
        String[] correlations = new String[n];
        String[] times = new String[n];
        String[] payloads = new String[n];
        Integer[] ranks = new Integer[n];
        List<UUID> targetFlags = new ArrayList<>();
        List<String> targetAgencies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NewFlag f = flags.get(i);
            ids[i] = f.flagId();
            codes[i] = f.code().codeId();
            reasons[i] = f.request().reason().wire();
            severities[i] = f.request().severity().wire();
            notes[i] = f.request().note().orElse(null);
            reporters[i] = f.request().reportedBy().orElse(null);
            keys[i] = f.request().idempotencyKey().orElse(null);
            fingerprints[i] = f.request().fingerprint();
            correlations[i] = f.correlationId();
            times[i] = f.at().toString();
            payloads[i] = f.payload();
            ranks[i] = f.request().severity().rank();
            for (String agency : f.agencies()) {
                targetFlags.add(f.flagId());
                targetAgencies.add(agency);
            }
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            Map<UUID, Recorded> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(RECORD_FLAGS)) {
                int i = 1;
                ps.setArray(i++, c.createArrayOf("uuid", ids));
                ps.setArray(i++, c.createArrayOf("int8", codes));
                ps.setArray(i++, c.createArrayOf("text", reasons));
                ps.setArray(i++, c.createArrayOf("text", severities));
                ps.setArray(i++, c.createArrayOf("text", notes));
                ps.setArray(i++, c.createArrayOf("text", reporters));
                ps.setArray(i++, c.createArrayOf("text", keys));
                ps.setArray(i++, c.createArrayOf("text", fingerprints));
                ps.setArray(i++, c.createArrayOf("text", correlations));
                ps.setArray(i++, c.createArrayOf("text", times));
                ps.setArray(i++, c.createArrayOf("text", payloads));
                ps.setArray(i++, c.createArrayOf("int4", ranks));
                ps.setArray(i++, c.createArrayOf("uuid", targetFlags.toArray()));
                ps.setArray(i++, c.createArrayOf("text", targetAgencies.toArray()));
                ps.setString(i++, leases.instanceId());
                ps.setLong(i, leases.lease().toSeconds());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        UUID flagId = rs.getObject("flag_id", UUID.class);
                        Recorded r = out.computeIfAbsent(flagId, id -> new Recorded(id, new ArrayList<>(), new ArrayList<>()));
                        String agency = rs.getString("agency");
                        if (agency != null) {
                            r.agencies().add(agency);
                            if (rs.getBoolean("leased")) {
                                r.leased().add(ClaimedDelivery.read(rs));
                            }
                        }
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            return out;
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
