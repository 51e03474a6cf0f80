package io.alertrelay.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.db.SqlStatements;
import io.alertrelay.delivery.AgencyCircuitBreakers;
import io.alertrelay.http.ApiProblem;
import io.alertrelay.http.JsonBodies;
import io.alertrelay.signing.SecretCipher;
import org.apache.camel.Exchange;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Admin management of agency webhooks: configuration (never the secret), registration with a
 * generated secret shown once, attempt logs and on/off. Rotation and the signing algorithm are
 * {@link WebhookSigningAdmin}'s, the test message {@link WebhookTestAdmin}'s.
 */
public final class WebhookAdmin {

    private static final String STATS = SqlStatements.load("admin-webhook-stats");
    private static final String REGISTER = SqlStatements.load("admin-webhook-register");
    private static final String ENSURE_RATE_LIMITS = SqlStatements.load("rate-limit-rows");
    private static final String LOGS = SqlStatements.load("admin-webhook-logs");
    private static final String TOGGLE = SqlStatements.load("admin-webhook-toggle");
    private static final Pattern HEADER_NAME = Pattern.compile("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$");
    private static final Set<String> RESERVED_HEADERS = Set.of("webhook-id", "webhook-timestamp", "webhook-signature",
            "content-type", "content-length", "host", "x-relay-agency", "x-correlation-id", "user-agent",
            "transfer-encoding", "connection");

    private final DataSource dataSource;
    private final SecretCipher cipher;
    private final WebhookTargets targets;
    private final ObjectMapper json;
    private final JsonBodies bodies;
    private final AgencyWebhooks agencies;

    WebhookAdmin(DataSource dataSource, SecretCipher cipher, WebhookTargets targets, JsonBodies bodies,
                 AgencyWebhooks agencies) {
        this.dataSource = dataSource;
        this.cipher = cipher;
        this.targets = targets;
        this.bodies = bodies;
        this.json = bodies.mapper();
        this.agencies = agencies;
    }

    // ------------------------------------------------------------------ config

    public void config(Exchange exchange) throws SQLException {
        AgencyWebhooks.Agency a = agencies.require(AdminRequests.agency(exchange));
        Map<String, Object> out = agencies.view(a);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(STATS)) {
            ps.setLong(1, a.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long attempts = rs.getLong("attempts");
                long delivered = rs.getLong("delivered");
                Map<String, Object> stats = new LinkedHashMap<>();
                stats.put("window", "P7D");
                stats.put("attempts", attempts);
                stats.put("delivered", delivered);
                stats.put("successRate", attempts == 0 ? null : Math.round(10000.0 * delivered / attempts) / 10000.0);
                stats.put("lastAttemptAt", AdminRequests.iso(rs.getObject("last_attempt_at", OffsetDateTime.class)));
                out.put("successRate", stats.get("successRate"));
                out.put("deliveryStats", stats);
            }
        }
        out.put("circuitBreaker", breakerState(exchange, a.name()));
        exchange.getMessage().setBody(out);
    }

    private static Object breakerState(Exchange exchange, String agency) {
        AgencyCircuitBreakers breakers = exchange.getContext().getRegistry()
                .lookupByNameAndType("agencyCircuitBreakers", AgencyCircuitBreakers.class);
        if (breakers == null) {
            return Map.of("state", "UNKNOWN");
        }
        Map<String, Object> state = breakers.states().get(agency);
        // a breaker is created at the agency's first call; until then it is closed
        return state != null ? state : Map.of("state", "CLOSED", "failureRate", -1.0, "bufferedCalls", 0, "failedCalls", 0);
    }

    // ------------------------------------------------------------------ register

    public void register(Exchange exchange) throws SQLException, JsonProcessingException {
        String name = AdminRequests.agency(exchange);
        JsonNode body = bodies.adminObject(exchange, false);
        List<String> problems = new ArrayList<>();
        JsonNode urlNode = body.get("webhookUrl");
        if (urlNode == null || !urlNode.isTextual()) {
            problems.add("webhookUrl: required, a string");
        }
        Map<String, String> headers = customHeaders(body.get("customHeaders"), problems);
        Optional<AgencyWebhooks.Agency> before = agencies.find(name);
        // a re-registration keeps the agency's algorithm unless the request names one
        String algorithm = AgencyWebhooks.algorithm(body.get("signingAlgorithm"), before.map(AgencyWebhooks.Agency::algorithm).orElse(AgencyWebhooks.HMAC), problems);
        JsonNode display = body.get("displayName");
        if (display != null && !display.isNull() && (!display.isTextual() || display.asText().length() > 200)) {
            problems.add("displayName: a string of at most 200 characters");
        }
        if (!problems.isEmpty()) {
            throw new ApiProblem(400, "invalid webhook registration", problems);
        }
        String url = targets.check(urlNode.asText());
        before.ifPresent(a -> exchange.setProperty(AdminAudit.BEFORE, agencies.view(a)));
        String secret = AgencyWebhooks.newSecret(algorithm);
        boolean created;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(REGISTER)) {
                ps.setString(1, name);
                ps.setString(2, display == null || display.isNull() ? null : display.asText());
                ps.setString(3, url);
                ps.setString(4, cipher.encrypt(secret));
                ps.setString(5, algorithm);
                ps.setString(6, json.writeValueAsString(headers));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    created = rs.getBoolean("created");
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            try (PreparedStatement ps = c.prepareStatement(ENSURE_RATE_LIMITS)) {
                ps.executeUpdate();
            }
            c.commit();
        }
        Map<String, Object> after = agencies.view(agencies.require(name));
        exchange.setProperty(AdminAudit.AFTER, after);
        Map<String, Object> reply = new LinkedHashMap<>(after);
        reply.put("created", created);
        AgencyWebhooks.revealOnce(reply, secret);
        exchange.setProperty("replyStatus", created ? 201 : 200);
        exchange.getMessage().setBody(reply);
    }

    // ------------------------------------------------------------------ logs, toggle

    public void logs(Exchange exchange) throws SQLException {
        String name = AdminRequests.agency(exchange);
        int limit = AdminRequests.limit(exchange, 50, 500);
        agencies.require(name);
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LOGS)) {
            ps.setString(1, name);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", rs.getLong("id"));
                    row.put("deliveryId", rs.getString("delivery_id"));
                    row.put("eventType", rs.getString("event_type"));
                    row.put("attempt", rs.getInt("attempt"));
                    row.put("outcome", rs.getString("outcome"));
                    row.put("httpStatus", rs.getObject("http_status"));
                    row.put("durationMs", rs.getObject("duration_ms"));
                    row.put("error", rs.getString("error"));
                    row.put("at", AdminRequests.iso(rs.getObject("created_at", OffsetDateTime.class)));
                    out.add(row);
                }
            }
        }
        exchange.getMessage().setBody(Map.of("agency", name, "count", out.size(), "logs", out));
    }

    public void toggle(Exchange exchange) throws SQLException {
        String name = AdminRequests.agency(exchange);
        AgencyWebhooks.Agency before = agencies.require(name);
        exchange.setProperty(AdminAudit.BEFORE, Map.of("active", before.active()));
        boolean active;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(TOGGLE)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                active = rs.getBoolean(1);
            }
        }
        exchange.setProperty(AdminAudit.AFTER, Map.of("active", active));
        exchange.getMessage().setBody(Map.of("agency", name, "active", active));
    }

    private static Map<String, String> customHeaders(JsonNode node, List<String> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            problems.add("customHeaders: an object of header name to string value");
            return out;
        }
        if (node.size() > 20) {
            problems.add("customHeaders: at most 20 headers");
        }
        node.fields().forEachRemaining(e -> {
            String k = e.getKey();
            if (!HEADER_NAME.matcher(k).matches()) {
                problems.add("customHeaders." + k + ": not a valid header name");
            } else if (RESERVED_HEADERS.contains(k.toLowerCase(Locale.ROOT)) || k.toLowerCase(Locale.ROOT).startsWith("camel")) {
                problems.add("customHeaders." + k + ": set by the relay, cannot be overridden");
            } else if (!e.getValue().isTextual() || e.getValue().asText().length() > 1000
                    || e.getValue().asText().matches("(?s).*[\\r\\n].*")) {
                problems.add("customHeaders." + k + ": a single-line string of at most 1000 characters");
            } else {
                out.put(k, e.getValue().asText());
            }
        });
        return out;
    }
}
