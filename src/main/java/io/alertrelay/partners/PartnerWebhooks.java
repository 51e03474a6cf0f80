package io.alertrelay.partners;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.alertrelay.db.SqlStatements;
import io.alertrelay.events.EventRelay;
import io.alertrelay.http.JsonBodies;
import io.alertrelay.events.SubscriptionAdmin;
import io.alertrelay.http.ApiProblem;
import io.alertrelay.http.HttpReplies;
import io.alertrelay.http.NulGuard;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Inbound partner messages, from {@code POST /webhooks/{partner}} or a broker (the same steps for
 * both, routes/partner-webhooks.camel.yaml {@code direct:partner-message}): verify the Standard Webhooks signature
 * with the partner's secret (401 when bad or outside the ±5 min tolerance), store the raw message
 * once per webhook-id (a repeat answers 200 with the first result), then let the ops-edited rules in
 * routes/partner-intake.camel.yaml turn it into an event or a flag.
 */
public final class PartnerWebhooks {

    private static final Logger LOG = LoggerFactory.getLogger(PartnerWebhooks.class);
    public static final String PARTNER = "partner";
    public static final String WEBHOOK_ID = "webhookId";
    public static final String INBOUND_TYPE = "inboundType";
    public static final String DUPLICATE = "inboundDuplicate";
    private static final String INBOUND_ROW = "inboundRowId";
    private static final String OUTCOME = "inboundOutcome";
    private static final String RESULT = "inboundResult";
    private static final String CLAIM = SqlStatements.load("inbound-claim");
    private static final String FIND = SqlStatements.load("inbound-find");
    private static final String FINISH = SqlStatements.load("inbound-finish");
    private static final String FORGET = SqlStatements.load("inbound-forget");
    private static final String TAKE_OVER = SqlStatements.load("inbound-take-over");
    /** Set by a broker transport: a redelivered message whose first processing never finished is taken over. */
    public static final String TAKE_OVER_UNFINISHED = "inboundTakeOver";
    private static final int MAX_WEBHOOK_ID = 200;

    private final DataSource dataSource;
    private final Partners partners;
    private final EventRelay events;
    private final JsonBodies bodies;
    private final ObjectMapper json;

    public PartnerWebhooks(DataSource dataSource, Partners partners, EventRelay events, JsonBodies bodies) {
        this.dataSource = dataSource;
        this.partners = partners;
        this.events = events;
        this.bodies = bodies;
        this.json = bodies.mapper();
    }

    /**
     * Verifies the signature over the raw body; on success the body becomes the parsed JSON (a Map the
     * rules read as {@code ${body[data][code]}}) and the partner, webhook-id and type are properties.
     */
    public void verify(Exchange exchange) throws SQLException {
        Message in = exchange.getMessage();
        JsonBodies.correlationId(exchange);
        String partner = in.getHeader("partner", String.class);
        String raw = new String(bodies.raw(exchange), StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
            String value = in.getHeader(name, String.class);
            if (value == null || value.isBlank()) {
                throw unauthorized(name + ": header is required");
            }
            headers.put(name, List.of(value));
        }
        String secret = partners.secretOf(partner == null ? "" : partner)
                .orElseThrow(() -> unauthorized("no active partner '" + partner + "'"));
        try {
            new Webhook(secret).verify(raw, headers);
        } catch (WebhookVerificationException e) {
            throw unauthorized(String.valueOf(e.getMessage()));
        }
        String webhookId = headers.get("webhook-id").get(0).trim();
        if (webhookId.length() > MAX_WEBHOOK_ID) {
            throw ApiProblem.badRequest("invalid webhook", "webhook-id: at most " + MAX_WEBHOOK_ID + " characters");
        }
        JsonNode body;
        try {
            body = json.readTree(raw);
        } catch (JsonProcessingException e) {
            throw ApiProblem.badRequest("invalid webhook", "body: not JSON (" + e.getOriginalMessage() + ")");
        }
        if (body == null || !body.isObject()) {
            throw ApiProblem.badRequest("invalid webhook", "body: must be a JSON object such as {\"type\",\"timestamp\",\"data\"}");
        }
        // a broker's headers and body reach here unchecked by the HTTP gate
        NulGuard.text("webhook-id", webhookId);
        NulGuard.json("", body);
        exchange.setProperty(PARTNER, partner);
        exchange.setProperty(WEBHOOK_ID, webhookId);
        exchange.setProperty(INBOUND_TYPE, body.path("type").asText(""));
        exchange.setProperty("inboundRaw", raw);
        in.setBody(json.convertValue(body, new TypeReference<Map<String, Object>>() { }));
    }

    /** Stores the raw message once; a repeat of the webhook-id gets the first result (property inboundDuplicate). */
    public void claim(Exchange exchange) throws SQLException {
        String partner = exchange.getProperty(PARTNER, String.class);
        String webhookId = exchange.getProperty(WEBHOOK_ID, String.class);
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
                ps.setString(1, partner);
                ps.setString(2, webhookId);
                ps.setString(3, exchange.getProperty("inboundRaw", String.class));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        exchange.setProperty(INBOUND_ROW, rs.getLong(1));
                        exchange.setProperty(DUPLICATE, false);
                        return;
                    }
                }
            }
            if (exchange.getProperty(TAKE_OVER_UNFINISHED, false, Boolean.class)) {
                try (PreparedStatement ps = c.prepareStatement(TAKE_OVER)) {
                    ps.setString(1, partner);
                    ps.setString(2, webhookId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            exchange.setProperty(INBOUND_ROW, rs.getLong(1));
                            exchange.setProperty(DUPLICATE, false);
                            return;
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(FIND)) {
                ps.setString(1, partner);
                ps.setString(2, webhookId);
                try (ResultSet rs = ps.executeQuery()) {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("status", "duplicate");
                    answer.put("partner", partner);
                    answer.put("webhookId", webhookId);
                    if (rs.next()) {
                        if ("processing".equals(rs.getString("outcome"))) {
                            // the first delivery is still being worked: not yet a result to repeat, and
                            // if it fails unexpectedly it is forgotten, so the partner must retry
                            throw new ApiProblem(409, "webhook is still being processed",
                                    List.of("webhook-id: '" + webhookId + "' arrived moments ago; retry later"));
                        }
                        answer.put("outcome", rs.getString("outcome"));
                        answer.put("result", readJson(rs.getString("result")));
                        answer.put("firstReceivedAt", rs.getTimestamp("received_at").toInstant().toString());
                    }
                    exchange.setProperty(DUPLICATE, true);
                    exchange.getMessage().setBody(answer);
                }
            }
        }
    }

    /** Rule action: the message becomes a flag; sets the flag request the flag intake steps read. */
    public void flagRequest(Exchange exchange) {
        Message m = exchange.getMessage();
        ObjectNode flag = json.createObjectNode();
        putIfPresent(flag, "reason", exchange.getProperty("flagReason", String.class));
        putIfPresent(flag, "severity", exchange.getProperty("flagSeverity", String.class));
        putIfPresent(flag, "note", exchange.getProperty("flagNote", String.class));
        flag.put("reportedBy", "partner:" + exchange.getProperty(PARTNER, String.class));
        String code = exchange.getProperty("flagCode", String.class);
        m.removeHeaders("*");
        m.setHeader("code", code == null ? "" : code);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setHeader("Idempotency-Key", "partner:" + exchange.getProperty(PARTNER, String.class) + ":"
                + exchange.getProperty(WEBHOOK_ID, String.class));
        m.setHeader("X-Correlation-Id", exchange.getProperty("correlationId", String.class));
        m.setBody(flag.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Rule action: the message becomes a relay event (type, id and payload from properties or defaults). */
    public void createEvent(Exchange exchange) throws SQLException {
        String partner = exchange.getProperty(PARTNER, String.class);
        String type = Optional.ofNullable(exchange.getProperty("eventType", String.class)).filter(t -> !t.isBlank())
                .orElse(exchange.getProperty(INBOUND_TYPE, String.class));
        if (type == null || !SubscriptionAdmin.EVENT_TYPE.matcher(type).matches()) {
            throw new ApiProblem(422, "webhook cannot become an event",
                    List.of("type: '" + type + "' is not a valid event type"));
        }
        String eventId = Optional.ofNullable(exchange.getProperty("eventId", String.class)).filter(t -> !t.isBlank())
                .orElse(partner + ":" + exchange.getProperty(WEBHOOK_ID, String.class));
        Object payload = exchange.getProperty("eventPayload");
        if (payload == null) {
            Object body = exchange.getMessage().getBody();
            payload = body instanceof Map<?, ?> map && map.containsKey("data") ? map.get("data") : body;
        }
        events.record(exchange, new EventRelay.NewEvent(eventId, type, json.valueToTree(payload), "partner:" + partner,
                exchange.getProperty("correlationId", String.class)));
    }

    /** After the flag action: the flag's answer is the message's result. */
    public void flagRecorded(Exchange exchange) {
        exchange.setProperty(OUTCOME, "flag");
        exchange.setProperty(RESULT, exchange.getMessage().getBody());
    }

    /** After the event action: the event's answer is the message's result. */
    public void eventRecorded(Exchange exchange) {
        exchange.setProperty(OUTCOME, "event");
        exchange.setProperty(RESULT, exchange.getMessage().getBody());
    }

    /** No rule matched (or a rule chose to drop it): stored, answered 200, nothing created. */
    public void ignored(Exchange exchange) {
        exchange.setProperty(OUTCOME, "ignored");
        exchange.setProperty(RESULT, Map.of("reason", "no partner-intake rule maps type '"
                + exchange.getProperty(INBOUND_TYPE, "", String.class) + "' from " + exchange.getProperty(PARTNER)));
    }

    /** Stores the outcome with the raw message; the body becomes the partner's answer. */
    public void finish(Exchange exchange) throws Exception {
        String outcome = exchange.getProperty(OUTCOME, "ignored", String.class);
        Object result = exchange.getProperty(RESULT);
        update(exchange.getProperty(INBOUND_ROW, Long.class), outcome, result);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "accepted");
        answer.put("partner", exchange.getProperty(PARTNER));
        answer.put("webhookId", exchange.getProperty(WEBHOOK_ID));
        answer.put("outcome", outcome);
        answer.put("result", result);
        exchange.getMessage().setBody(answer);
        exchange.setProperty(EventRelay.REPLY_STATUS, "ignored".equals(outcome) ? 200 : 202);
    }

    /**
     * The rules or their action failed: a refusal (4xx) is remembered as the message's outcome, so a
     * repeat gets the same answer; anything else forgets the message so the partner's retry runs again.
     */
    public void failed(Exchange exchange) throws Exception {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Long row = exchange.getProperty(INBOUND_ROW, Long.class);
        if (row != null) {
            ApiProblem problem = HttpReplies.toProblem(t);
            if (problem.status() < 500) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("error", problem.getMessage());
                error.put("details", problem.details());
                update(row, "rejected", error);
            } else {
                LOG.warn("Partner webhook {} from {} failed; forgotten so a retry is processed: {}",
                        exchange.getProperty(WEBHOOK_ID), exchange.getProperty(PARTNER), String.valueOf(t));
                try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FORGET)) {
                    ps.setLong(1, row);
                    ps.executeUpdate();
                }
            }
        }
        if (t instanceof Exception e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    private void update(Long row, String outcome, Object result) throws SQLException, JsonProcessingException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FINISH)) {
            ps.setString(1, outcome);
            ps.setString(2, json.writeValueAsString(result));
            ps.setLong(3, row);
            ps.executeUpdate();
        }
    }

    private Object readJson(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            return text;
        }
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }

    private static ApiProblem unauthorized(String detail) {
        return new ApiProblem(401, "webhook signature verification failed", List.of(detail));
    }
}
