package io.alertrelay.admin;

import io.alertrelay.db.SqlStatements;
import io.alertrelay.http.ApiProblem;
import org.apache.camel.Exchange;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Admin view of the outbox and manual replay of dead-lettered (failed) deliveries. */
public final class DeliveryAdmin {

    private static final String LIST = SqlStatements.load("admin-deliveries");
    private static final String REPLAY = SqlStatements.load("admin-delivery-replay");
    private static final String REPLAY_SINCE = SqlStatements.load("admin-delivery-replay-since");
    private static final String STATUS = SqlStatements.load("admin-delivery-status");
    private static final Set<String> STATUSES = Set.of("pending", "throttled", "delivered", "failed");

    private final DataSource dataSource;

    public DeliveryAdmin(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void list(Exchange exchange) throws SQLException {
        Optional<String> agency = AdminRequests.text(exchange, "agency");
        Optional<String> status = AdminRequests.text(exchange, "status");
        if (status.isPresent() && !STATUSES.contains(status.get())) {
            throw ApiProblem.badRequest("invalid query parameter", "status: one of pending, throttled, delivered, failed");
        }
        Optional<Instant> since = AdminRequests.instant(exchange, "since");
        int limit = AdminRequests.limit(exchange, 50, 1000);
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LIST)) {
            ps.setString(1, agency.orElse(null));
            ps.setString(2, agency.orElse(null));
            ps.setString(3, status.orElse(null));
            ps.setString(4, status.orElse(null));
            setTime(ps, 5, since);
            setTime(ps, 6, since);
            ps.setInt(7, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", rs.getString("id"));
                    row.put("agency", rs.getString("agency"));
                    row.put("flagId", rs.getString("flag_id"));
                    row.put("eventType", rs.getString("event_type"));
                    row.put("status", rs.getString("status"));
                    row.put("attempts", rs.getInt("attempts"));
                    row.put("retryRound", rs.getInt("retry_round"));
                    row.put("lastHttpStatus", rs.getObject("last_http_status"));
                    row.put("lastError", rs.getString("last_error"));
                    row.put("caseNumber", rs.getString("case_number"));
                    row.put("correlationId", rs.getString("correlation_id"));
                    row.put("nextAttemptAt", AdminRequests.iso(rs.getObject("next_attempt_at", OffsetDateTime.class)));
                    row.put("createdAt", AdminRequests.iso(rs.getObject("created_at", OffsetDateTime.class)));
                    row.put("updatedAt", AdminRequests.iso(rs.getObject("updated_at", OffsetDateTime.class)));
                    row.put("deliveredAt", AdminRequests.iso(rs.getObject("delivered_at", OffsetDateTime.class)));
                    out.add(row);
                }
            }
        }
        exchange.getMessage().setBody(Map.of("count", out.size(), "deliveries", out));
    }

    /** One failed delivery back to pending; the route hands it to the workers at once. */
    public void retryOne(Exchange exchange) throws SQLException {
        String raw = exchange.getMessage().getHeader("id", String.class);
        UUID id;
        try {
            id = UUID.fromString(raw);
        } catch (RuntimeException e) {
            throw ApiProblem.badRequest("invalid delivery id", "id: a UUID");
        }
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(REPLAY)) {
                ps.setString(1, id.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        try (PreparedStatement st = c.prepareStatement(STATUS)) {
                            st.setString(1, id.toString());
                            try (ResultSet s = st.executeQuery()) {
                                if (!s.next()) {
                                    throw ApiProblem.notFound("unknown delivery", "id: no delivery " + id);
                                }
                                throw new ApiProblem(409, "delivery is not failed", List.of("delivery " + id + " is "
                                        + s.getString(1) + "; only failed deliveries are replayed"));
                            }
                        }
                    }
                }
            }
        }
        exchange.setProperty(AdminAudit.BEFORE, Map.of("id", id.toString(), "status", "failed"));
        exchange.setProperty(AdminAudit.AFTER, Map.of("id", id.toString(), "status", "pending", "retryRound", 0));
        exchange.setProperty("recordedDeliveries", List.of(id));
        exchange.getMessage().setBody(Map.of("id", id.toString(), "status", "pending", "replayed", true));
    }

    /** Every delivery that failed at or after {@code since} (optionally of one agency) back to pending. */
    public void retrySince(Exchange exchange) throws SQLException {
        Instant since = AdminRequests.instant(exchange, "since").orElseThrow(() -> ApiProblem.badRequest(
                "missing query parameter", "since: required, an ISO-8601 time such as 2026-11-23T00:00:00Z"));
        Optional<String> agency = AdminRequests.text(exchange, "agency");
        List<UUID> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(REPLAY_SINCE)) {
            ps.setObject(1, since.atOffset(java.time.ZoneOffset.UTC));
            ps.setString(2, agency.orElse(null));
            ps.setString(3, agency.orElse(null));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("since", since.toString());
        result.put("agency", agency.orElse(null));
        result.put("replayed", ids.size());
        result.put("deliveryIds", ids.stream().map(UUID::toString).toList());
        exchange.setProperty(AdminAudit.AFTER, Map.of("replayed", ids.size(), "since", since.toString()));
        exchange.setProperty("recordedDeliveries", ids);
        exchange.getMessage().setBody(result);
    }

    private static void setTime(PreparedStatement ps, int index, Optional<Instant> t) throws SQLException {
        if (t.isPresent()) {
            ps.setObject(index, t.get().atOffset(java.time.ZoneOffset.UTC));
        } else {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        }
    }
}
