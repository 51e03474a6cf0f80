package io.alertrelay.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.db.SqlStatements;
import io.alertrelay.delivery.AgencyCircuitBreakers;
import io.alertrelay.http.ApiProblem;
import io.alertrelay.signing.Ed25519Keys;
import io.alertrelay.signing.SecretCipher;
import io.alertrelay.signing.WebhookSecrets;
import org.apache.camel.Exchange;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Admin management of agency webhooks: configuration (never the secret), registration with a
 * generated secret shown once, attempt logs, on/off, a test message through the real delivery
 * pipeline, secret rotation with a grace period, and the Ed25519 option with its public key.
 */
public final class WebhookAdmin {

    public static final String HMAC = "hmac-sha256";
    public static final String ED25519 = "ed25519";
    private static final String CONFIG = SqlStatements.load("admin-webhook-config");
    private static final String STATS = SqlStatements.load("admin-webhook-stats");
    private static final String REGISTER = SqlStatements.load("admin-webhook-register");
    private static final String ENSURE_RATE_LIMITS = SqlStatements.load("rate-limit-rows");
    private static final String LOGS = SqlStatements.load("admin-webhook-logs");
    private static final String TOGGLE = SqlStatements.load("admin-webhook-toggle");
    private static final String ROTATE = SqlStatements.load("admin-webhook-rotate");
    private static final String TEST_INSERT = SqlStatements.load("admin-webhook-test-insert");
    private static final String OUTCOME = SqlStatements.load("admin-delivery-outcome");
    private static final Pattern HEADER_NAME = Pattern.compile("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$");
    private static final Set<String> RESERVED_HEADERS = Set.of("webhook-id", "webhook-timestamp", "webhook-signature",
            "content-type", "content-length", "host", "x-relay-agency", "x-correlation-id", "user-agent",
            "transfer-encoding", "connection");
    private static final Duration MAX_GRACE = Duration.ofDays(7);

    private final DataSource dataSource;
    private final SecretCipher cipher;
    private final WebhookTargets targets;
    private final ObjectMapper json;
    private final Duration defaultGrace;
    private final Duration testTimeout;

    public WebhookAdmin(DataSource dataSource, SecretCipher cipher, WebhookTargets targets, ObjectMapper json,
                        Duration defaultGrace, Duration testTimeout) {
        this.dataSource = dataSource;
        this.cipher = cipher;
        this.targets = targets;
        this.json = json;
        this.defaultGrace = defaultGrace;
        this.testTimeout = testTimeout;
    }

    private record Agency(long id, String name, String displayName, String webhookUrl, boolean active,
                          String customHeaders, String algorithm, Optional<String> secretEnc,
                          Optional<String> previousSecretEnc, OffsetDateTime previousUntil, boolean inGrace) {
    }

    // ------------------------------------------------------------------ config

    public void config(Exchange exchange) throws SQLException {
        Agency a = require(AdminRequests.agency(exchange));
        Map<String, Object> out = view(a);
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

    /** What admins may see of an agency's webhook: never a secret, only public keys. */
    private Map<String, Object> view(Agency a) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agency", a.name());
        out.put("displayName", a.displayName());
        out.put("webhookUrl", a.webhookUrl());
        out.put("active", a.active());
        out.put("customHeaders", headers(a.customHeaders()));
        out.put("signingAlgorithm", a.algorithm());
        out.put("hasSecret", a.secretEnc().isPresent());
        out.put("previousSecretValidUntil", a.inGrace() ? AdminRequests.iso(a.previousUntil()) : null);
        return out;
    }

    // ------------------------------------------------------------------ register

    public void register(Exchange exchange) throws SQLException {
        String name = AdminRequests.agency(exchange);
        JsonNode body = AdminRequests.jsonObject(exchange, json, false);
        List<String> problems = new ArrayList<>();
        JsonNode urlNode = body.get("webhookUrl");
        if (urlNode == null || !urlNode.isTextual()) {
            problems.add("webhookUrl: required, a string");
        }
        Map<String, String> headers = customHeaders(body.get("customHeaders"), problems);
        Optional<Agency> before = find(name);
        // a re-registration keeps the agency's algorithm unless the request names one
        String algorithm = algorithm(body.get("signingAlgorithm"), before.map(Agency::algorithm).orElse(HMAC), problems);
        JsonNode display = body.get("displayName");
        if (display != null && !display.isNull() && (!display.isTextual() || display.asText().length() > 200)) {
            problems.add("displayName: a string of at most 200 characters");
        }
        if (!problems.isEmpty()) {
            throw new ApiProblem(400, "invalid webhook registration", problems);
        }
        String url = targets.check(urlNode.asText());
        before.ifPresent(a -> exchange.setProperty(AdminAudit.BEFORE, view(a)));
        String secret = newSecret(algorithm);
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
        Map<String, Object> after = view(require(name));
        exchange.setProperty(AdminAudit.AFTER, after);
        Map<String, Object> reply = new LinkedHashMap<>(after);
        reply.put("created", created);
        revealOnce(reply, secret);
        exchange.setProperty("replyStatus", created ? 201 : 200);
        exchange.getMessage().setBody(reply);
    }

    // ------------------------------------------------------------------ logs, toggle

    public void logs(Exchange exchange) throws SQLException {
        String name = AdminRequests.agency(exchange);
        int limit = AdminRequests.limit(exchange, 50, 500);
        require(name);
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
        Agency before = require(name);
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

    // ------------------------------------------------------------------ rotation, signing algorithm

    /** Body (optional): {@code {"gracePeriod":"PT24H","signingAlgorithm":"ed25519"}}. */
    public void rotate(Exchange exchange) throws SQLException {
        String name = AdminRequests.agency(exchange);
        JsonNode body = AdminRequests.jsonObject(exchange, json, true);
        Agency a = require(name);
        List<String> problems = new ArrayList<>();
        String algorithm = algorithm(body.get("signingAlgorithm"), a.algorithm(), problems);
        Duration grace = grace(body.get("gracePeriod"), problems);
        if (!problems.isEmpty()) {
            throw new ApiProblem(400, "invalid rotation", problems);
        }
        exchange.getMessage().setBody(rotateTo(exchange, a, algorithm, grace));
    }

    /** PATCH {@code {"signingAlgorithm":"ed25519"|"hmac-sha256","gracePeriod":"PT24H"}}: a rotation to another kind of key. */
    public void changeSigning(Exchange exchange) throws SQLException {
        String name = AdminRequests.agency(exchange);
        JsonNode body = AdminRequests.jsonObject(exchange, json, false);
        Agency a = require(name);
        List<String> problems = new ArrayList<>();
        if (body.get("signingAlgorithm") == null) {
            problems.add("signingAlgorithm: required, one of hmac-sha256, ed25519");
        }
        String algorithm = algorithm(body.get("signingAlgorithm"), a.algorithm(), problems);
        Duration grace = grace(body.get("gracePeriod"), problems);
        if (!problems.isEmpty()) {
            throw new ApiProblem(400, "invalid signing change", problems);
        }
        exchange.getMessage().setBody(rotateTo(exchange, a, algorithm, grace));
    }

    private Map<String, Object> rotateTo(Exchange exchange, Agency a, String algorithm, Duration grace) throws SQLException {
        if (a.secretEnc().isEmpty()) {
            throw new ApiProblem(409, "no webhook registered", List.of("agency '" + a.name()
                    + "' has no secret yet; register its webhook first"));
        }
        exchange.setProperty(AdminAudit.BEFORE, view(a));
        String secret = newSecret(algorithm);
        OffsetDateTime until;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ROTATE)) {
            ps.setDouble(1, grace.toMillis() / 1000.0);
            ps.setString(2, cipher.encrypt(secret));
            ps.setString(3, algorithm);
            ps.setString(4, a.name());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                until = rs.getObject(1, OffsetDateTime.class);
            }
        }
        Map<String, Object> after = view(require(a.name()));
        exchange.setProperty(AdminAudit.AFTER, after);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("agency", a.name());
        reply.put("signingAlgorithm", algorithm);
        revealOnce(reply, secret);
        reply.put("previousSecretValidUntil", grace.isZero() ? null : AdminRequests.iso(until));
        return reply;
    }

    public void publicKey(Exchange exchange) throws SQLException {
        Agency a = require(AdminRequests.agency(exchange));
        String secret = a.secretEnc().map(cipher::decrypt).orElse("");
        if (!ED25519.equals(a.algorithm()) || !Ed25519Keys.isEd25519Secret(secret)) {
            throw new ApiProblem(409, "agency does not sign with Ed25519", List.of("agency '" + a.name()
                    + "' signs with " + a.algorithm() + "; choose ed25519 at registration or PATCH .../signing"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agency", a.name());
        out.put("signingAlgorithm", ED25519);
        out.put("publicKey", Ed25519Keys.publicKey(secret));
        out.put("publicKeyX509", Base64.getEncoder().encodeToString(Ed25519Keys.x509(secret)));
        out.put("publicKeyPem", "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getEncoder().encodeToString(Ed25519Keys.x509(secret)) + "\n-----END PUBLIC KEY-----\n");
        if (a.inGrace()) {
            a.previousSecretEnc().map(cipher::decrypt).filter(Ed25519Keys::isEd25519Secret)
                    .ifPresent(prev -> out.put("previousPublicKey", Ed25519Keys.publicKey(prev)));
        }
        exchange.getMessage().setBody(out);
    }

    // ------------------------------------------------------------------ test

    /** Puts a signed webhook.test message in the outbox; the route hands it to the delivery workers. */
    public void queueTest(Exchange exchange) throws SQLException {
        String name = AdminRequests.agency(exchange);
        Agency a = require(name);
        if (!a.active() || a.webhookUrl() == null || a.secretEnc().isEmpty()) {
            throw new ApiProblem(409, "webhook not ready", List.of("agency '" + name + "' webhook is "
                    + (a.webhookUrl() == null || a.secretEnc().isEmpty() ? "not registered" : "inactive (PATCH .../toggle)")));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("agency", name);
        data.put("message", "Test webhook from Alert Relay");
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "webhook.test");
        event.put("timestamp", Instant.now().toString());
        event.put("data", data);
        String correlation = "test-" + UUID.randomUUID();
        UUID id;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(TEST_INSERT)) {
            ps.setString(1, json.writeValueAsString(event));
            ps.setString(2, correlation);
            ps.setString(3, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getObject(1, UUID.class);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        exchange.setProperty("correlationId", correlation);
        exchange.setProperty("recordedDeliveries", List.of(id));
        exchange.setProperty("testDeliveryId", id);
        exchange.setProperty(AdminAudit.AFTER, Map.of("deliveryId", id.toString(), "eventType", "webhook.test"));
    }

    /** Waits (bounded) for the test delivery's first attempt and reports it. */
    public void testOutcome(Exchange exchange) throws SQLException, InterruptedException {
        UUID id = exchange.getProperty("testDeliveryId", UUID.class);
        long deadline = System.nanoTime() + testTimeout.toNanos();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agency", AdminRequests.agency(exchange));
        out.put("deliveryId", id.toString());
        while (true) {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(OUTCOME)) {
                ps.setString(1, id.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String status = rs.getString("status");
                    boolean attempted = rs.getObject("attempt") != null;
                    if (attempted || !"pending".equals(status) || System.nanoTime() > deadline) {
                        out.put("status", status);
                        out.put("delivered", "delivered".equals(status));
                        if (attempted) {
                            Map<String, Object> attempt = new LinkedHashMap<>();
                            attempt.put("outcome", rs.getString("outcome"));
                            attempt.put("httpStatus", rs.getObject("http_status"));
                            attempt.put("durationMs", rs.getObject("duration_ms"));
                            attempt.put("error", rs.getString("error"));
                            out.put("firstAttempt", attempt);
                        } else {
                            out.put("firstAttempt", null);
                            out.put("message", "throttled".equals(status) ? "the agency's quota is used up; the test waits for the next reset"
                                    : "no attempt yet within " + testTimeout.toSeconds() + " s; see .../logs");
                        }
                        exchange.getMessage().setBody(out);
                        return;
                    }
                }
            }
            Thread.sleep(25);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void revealOnce(Map<String, Object> reply, String secret) {
        if (Ed25519Keys.isEd25519Secret(secret)) {
            reply.put("publicKey", Ed25519Keys.publicKey(secret));
            reply.put("publicKeyX509", Base64.getEncoder().encodeToString(Ed25519Keys.x509(secret)));
        } else {
            reply.put("secret", secret);
            reply.put("secretNotice", "store this secret now: it is never shown again");
        }
    }

    private static String newSecret(String algorithm) {
        return ED25519.equals(algorithm) ? Ed25519Keys.generateSecret() : WebhookSecrets.generate();
    }

    private static String algorithm(JsonNode node, String fallback, List<String> problems) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        String v = node.isTextual() ? node.asText().trim().toLowerCase(Locale.ROOT) : "";
        if (v.equals("hmac") || v.equals("hs256")) {
            v = HMAC;
        }
        if (!v.equals(HMAC) && !v.equals(ED25519)) {
            problems.add("signingAlgorithm: one of hmac-sha256, ed25519");
            return fallback;
        }
        return v;
    }

    private Duration grace(JsonNode node, List<String> problems) {
        if (node == null || node.isNull()) {
            return defaultGrace;
        }
        try {
            Duration d = Duration.parse(node.asText());
            if (!d.isNegative() && d.compareTo(MAX_GRACE) <= 0) {
                return d;
            }
        } catch (RuntimeException ignored) {
            // reported below
        }
        problems.add("gracePeriod: an ISO-8601 duration from PT0S to P7D");
        return defaultGrace;
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

    private Object headers(String text) {
        try {
            return text == null ? Map.of() : json.readValue(text, new TypeReference<Map<String, Object>>() { });
        } catch (Exception e) {
            return Map.of();
        }
    }

    private Agency require(String name) throws SQLException {
        return find(name).orElseThrow(() -> ApiProblem.notFound("unknown agency", "agency: '" + name + "' does not exist"));
    }

    private Optional<Agency> find(String name) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CONFIG)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Agency(rs.getLong("id"), rs.getString("name"), rs.getString("display_name"),
                        rs.getString("webhook_url"), rs.getBoolean("webhook_active"), rs.getString("custom_headers"),
                        rs.getString("signing_algorithm"), Optional.ofNullable(rs.getString("secret_enc")),
                        Optional.ofNullable(rs.getString("previous_secret_enc")),
                        rs.getObject("previous_secret_until", OffsetDateTime.class), rs.getBoolean("in_grace")));
            }
        }
    }
}
