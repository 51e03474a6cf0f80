package io.alertrelay.events;

import io.alertrelay.http.JsonBodies;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.db.SqlStatements;
import io.alertrelay.http.ApiProblem;
import org.apache.camel.Exchange;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The generic event relay: {@code POST /api/events} records an event idempotently on its event_id,
 * with one outbox row per active subscription for its type, in one transaction; the deliveries then
 * go through the same quota, pace, sign, deliver and log pipeline as flags.
 */
public final class EventRelay {

    public static final String RECORDED = "recordedDeliveries";
    public static final String REPLY_STATUS = "replyStatus";
    private static final String RECORD = SqlStatements.load("event-record");
    private static final String FIND = SqlStatements.load("event-find");
    private static final String DELIVERIES = SqlStatements.load("event-deliveries");
    private static final String ATTEMPTS = SqlStatements.load("delivery-attempts");
    private static final int MAX_EVENT_ID = 200;

    private final DataSource dataSource;
    private final Subscriptions subscriptions;
    private final JsonBodies bodies;
    private final ObjectMapper json;

    /** An event to record, from the API or mapped from a partner webhook. */
    public record NewEvent(String eventId, String type, JsonNode payload, String source, String correlationId) {
    }

    public EventRelay(DataSource dataSource, Subscriptions subscriptions, JsonBodies bodies) {
        this.dataSource = dataSource;
        this.subscriptions = subscriptions;
        this.bodies = bodies;
        this.json = bodies.mapper();
    }

    /** POST /api/events: 202 with the deliveries the first time, 200 with the original on a repeat. */
    public void accept(Exchange exchange) throws Exception {
        String correlationId = JsonBodies.correlationId(exchange);
        ObjectNode body = bodies.object(exchange);
        List<String> problems = new ArrayList<>();
        Optional<String> eventId = JsonBodies.requiredText(body, "event_id", MAX_EVENT_ID, problems);
        Optional<String> type = JsonBodies.requiredText(body, "type", 100, problems);
        type.filter(t -> !SubscriptionAdmin.EVENT_TYPE.matcher(t).matches()).ifPresent(t ->
                problems.add("type: '" + t + "' must be letters, digits and . _ : - (at most 100)"));
        JsonNode payload = body.get("payload");
        if (payload == null || payload.isNull()) {
            problems.add("payload: is required (any JSON value)");
        }
        JsonBodies.reject(problems, "invalid event");
        record(exchange, new NewEvent(eventId.orElseThrow(), type.orElseThrow(), payload, "api", correlationId));
    }

    /** Records the event and its outbox rows; the body becomes the answer, replyStatus 202 or 200 (repeat). */
    public void record(Exchange exchange, NewEvent event) throws SQLException {
        UUID id = UUID.randomUUID();
        OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        String delivered = deliveryBody(event, at);
        List<Long> targets = subscriptions.activeFor(event.type());
        List<UUID> deliveries = new ArrayList<>();
        boolean inserted = false;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RECORD)) {
            int i = 1;
            ps.setString(i++, id.toString());
            ps.setString(i++, event.eventId());
            ps.setString(i++, event.type());
            ps.setString(i++, event.payload().toString());
            ps.setString(i++, event.source());
            ps.setString(i++, event.correlationId());
            ps.setObject(i++, at);
            ps.setString(i++, delivered);
            ps.setString(i++, event.correlationId());
            ps.setArray(i, c.createArrayOf("bigint", targets.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted = true;
                    UUID d = rs.getObject("delivery_id", UUID.class);
                    if (d != null) {
                        deliveries.add(d);
                    }
                }
            }
        }
        Map<String, Object> answer = find(event.eventId()).orElseThrow(() ->
                new IllegalStateException("event " + event.eventId() + " neither recorded nor found"));
        exchange.setProperty(RECORDED, deliveries);
        exchange.setProperty(REPLY_STATUS, inserted ? 202 : 200);
        answer.put("status", inserted ? "accepted" : "duplicate");
        exchange.getMessage().setBody(answer);
    }

    /** GET /api/events/{eventId}: the event and each subscription delivery with its attempts. */
    public void show(Exchange exchange) throws SQLException {
        String eventId = exchange.getMessage().getHeader("eventId", String.class);
        exchange.getMessage().setBody(find(eventId == null ? "" : eventId).orElseThrow(() ->
                ApiProblem.notFound("unknown event", "event_id: no event '" + eventId + "'")));
    }

    private String deliveryBody(NewEvent event, OffsetDateTime at) {
        ObjectNode root = json.createObjectNode();
        root.put("type", event.type());
        root.put("timestamp", at.toInstant().toString());
        root.put("eventId", event.eventId());
        root.set("data", event.payload());
        return root.toString();
    }

    private Optional<Map<String, Object>> find(String eventId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Map<String, Object> out = new LinkedHashMap<>();
            String uuid;
            try (PreparedStatement ps = c.prepareStatement(FIND)) {
                ps.setString(1, eventId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    uuid = rs.getString("id");
                    out.put("event_id", rs.getString("event_id"));
                    out.put("type", rs.getString("event_type"));
                    out.put("payload", json.readTree(rs.getString("payload")));
                    out.put("source", rs.getString("source"));
                    out.put("correlationId", rs.getString("correlation_id"));
                    out.put("createdAt", Subscriptions.iso(rs.getTimestamp("created_at")));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException("stored payload is not JSON", e);
                }
            }
            List<Map<String, Object>> deliveries = new ArrayList<>();
            Map<String, List<Map<String, Object>>> logs = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(DELIVERIES)) {
                ps.setString(1, uuid);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> d = new LinkedHashMap<>();
                        d.put("deliveryId", rs.getString("id"));
                        d.put("subscription", rs.getString("subscription"));
                        d.put("target", rs.getString("target"));
                        d.put("status", rs.getString("status"));
                        d.put("attempts", rs.getInt("attempts"));
                        d.put("lastHttpStatus", rs.getObject("last_http_status"));
                        d.put("lastError", rs.getString("last_error"));
                        d.put("nextAttemptAt", Subscriptions.iso(rs.getTimestamp("next_attempt_at")));
                        d.put("createdAt", Subscriptions.iso(rs.getTimestamp("created_at")));
                        d.put("deliveredAt", Subscriptions.iso(rs.getTimestamp("delivered_at")));
                        List<Map<String, Object>> log = new ArrayList<>();
                        d.put("attemptLog", log);
                        logs.put(rs.getString("id"), log);
                        deliveries.add(d);
                    }
                }
            }
            if (!logs.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(ATTEMPTS)) {
                    ps.setArray(1, c.createArrayOf("uuid", logs.keySet().toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Map<String, Object> a = new LinkedHashMap<>();
                            a.put("attempt", rs.getInt("attempt"));
                            a.put("outcome", rs.getString("outcome"));
                            a.put("httpStatus", rs.getObject("http_status"));
                            a.put("durationMs", rs.getObject("duration_ms"));
                            a.put("error", rs.getString("error"));
                            a.put("at", Subscriptions.iso(rs.getTimestamp("created_at")));
                            logs.get(rs.getString("delivery_id")).add(a);
                        }
                    }
                }
            }
            out.put("deliveries", deliveries);
            return Optional.of(out);
        }
    }
}
