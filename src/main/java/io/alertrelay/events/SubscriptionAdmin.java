package io.alertrelay.events;

import io.alertrelay.http.JsonBodies;
import io.alertrelay.security.TargetGuard;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.http.ApiProblem;
import io.alertrelay.signing.SecretCipher;
import io.alertrelay.signing.WebhookSecrets;
import org.apache.camel.Exchange;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The steps of /api/admin/subscriptions: create (the whsec_ secret is returned once), list, show,
 * change, rotate the secret, delete. Targets pass the {@link TargetGuard}.
 */
public final class SubscriptionAdmin {

    public static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9-]{1,100}");
    private static final Set<String> RESERVED_HEADERS = Set.of("webhook-id", "webhook-timestamp", "webhook-signature",
            "content-type", "content-length", "host", "user-agent", "x-relay-agency", "x-correlation-id",
            "transfer-encoding", "connection");
    private static final int MAX_NAME = 100;
    private static final int MAX_HEADER_VALUE = 1000;
    private static final int MAX_HEADERS = 20;

    private final Subscriptions subscriptions;
    private final TargetGuard guard;
    private final SecretCipher cipher;
    private final JsonBodies bodies;
    private final ObjectMapper json;

    public SubscriptionAdmin(Subscriptions subscriptions, TargetGuard guard, SecretCipher cipher, JsonBodies bodies) {
        this.subscriptions = subscriptions;
        this.guard = guard;
        this.cipher = cipher;
        this.bodies = bodies;
        this.json = bodies.mapper();
    }

    public void create(Exchange exchange) throws Exception {
        ObjectNode body = bodies.object(exchange);
        Subscriptions.Fields fields = fields(body, Optional.empty());
        String secret = WebhookSecrets.generate();
        long id;
        try {
            id = subscriptions.create(fields, cipher.encrypt(secret));
        } catch (SQLException e) {
            throw nameTaken(e, fields.name());
        }
        Map<String, Object> out = view(subscriptions.find(id).orElseThrow());
        out.put("secret", secret);
        out.put("secretNote", "shown once: store it now; the relay keeps it encrypted and never returns it again");
        exchange.getMessage().setBody(out);
    }

    public void list(Exchange exchange) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Subscriptions.Subscription s : subscriptions.list()) {
            out.add(view(s));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subscriptions", out);
        body.put("agencies", subscriptions.agenciesAsSubscriptions());
        exchange.getMessage().setBody(body);
    }

    public void show(Exchange exchange) throws SQLException {
        exchange.getMessage().setBody(view(existing(exchange)));
    }

    /** PATCH/PUT: the fields given replace the stored ones; the rest stay. */
    public void update(Exchange exchange) throws Exception {
        Subscriptions.Subscription current = existing(exchange);
        ObjectNode body = bodies.object(exchange);
        Subscriptions.Fields fields = fields(body, Optional.of(current));
        try {
            if (!subscriptions.update(current.id(), fields)) {
                throw notFound(String.valueOf(current.id()));
            }
        } catch (SQLException e) {
            throw nameTaken(e, fields.name());
        }
        exchange.getMessage().setBody(view(subscriptions.find(current.id()).orElseThrow()));
    }

    public void rotateSecret(Exchange exchange) throws SQLException {
        Subscriptions.Subscription current = existing(exchange);
        String secret = WebhookSecrets.generate();
        subscriptions.rotateSecret(current.id(), cipher.encrypt(secret));
        Map<String, Object> out = view(current);
        out.put("secret", secret);
        out.put("secretNote", "shown once: the old secret no longer signs");
        exchange.getMessage().setBody(out);
    }

    public void delete(Exchange exchange) throws SQLException {
        Subscriptions.Subscription current = existing(exchange);
        subscriptions.delete(current.id());
        exchange.getMessage().setBody(Map.of("id", current.id(), "deleted", true));
    }

    private Subscriptions.Subscription existing(Exchange exchange) throws SQLException {
        String raw = exchange.getMessage().getHeader("subscriptionId", String.class);
        long id;
        try {
            id = Long.parseLong(raw);
        } catch (NumberFormatException | NullPointerException e) {
            throw notFound(raw);
        }
        return subscriptions.find(id).orElseThrow(() -> notFound(raw));
    }

    private static ApiProblem notFound(String id) {
        return ApiProblem.notFound("unknown subscription", "subscriptionId: no subscription '" + id + "'");
    }

    private static RuntimeException nameTaken(SQLException e, String name) {
        if ("23505".equals(e.getSQLState())) {
            return new ApiProblem(409, "subscription name already used", List.of("name: '" + name + "' is taken"));
        }
        return new IllegalStateException(e);
    }

    private Subscriptions.Fields fields(JsonNode body, Optional<Subscriptions.Subscription> current) throws Exception {
        List<String> problems = new ArrayList<>();
        boolean creating = current.isEmpty();
        Optional<String> name = creating ? JsonBodies.requiredText(body, "name", MAX_NAME, problems)
                : JsonBodies.text(body, "name", MAX_NAME, problems);
        Optional<String> type = creating ? JsonBodies.requiredText(body, "eventType", 100, problems)
                : JsonBodies.text(body, "eventType", 100, problems);
        type.filter(t -> !t.equals("*") && !EVENT_TYPE.matcher(t).matches()).ifPresent(t ->
                problems.add("eventType: '" + t + "' must be '*' or letters, digits and . _ : - (at most 100)"));
        Optional<String> target = creating ? JsonBodies.requiredText(body, "target", 2000, problems)
                : JsonBodies.text(body, "target", 2000, problems);
        target.flatMap(guard::refusal).ifPresent(r -> problems.add("target: " + r));
        Optional<Boolean> active = JsonBodies.bool(body, "active", problems);
        Optional<String> headers = customHeaders(body.get("customHeaders"), problems);
        Optional<Long> agencyId = current.flatMap(c -> c.agency().isPresent() ? agencyIdOrNull(c.agency().get()) : Optional.empty());
        JsonNode agency = body.get("agency");
        if (agency != null) {
            if (agency.isNull()) {
                agencyId = Optional.empty();
            } else if (!agency.isTextual()) {
                problems.add("agency: must be an agency name or null");
            } else {
                agencyId = subscriptions.agencyId(agency.asText());
                if (agencyId.isEmpty()) {
                    problems.add("agency: no agency named '" + agency.asText() + "'");
                }
            }
        }
        JsonBodies.reject(problems, creating ? "invalid subscription" : "invalid subscription change");
        return new Subscriptions.Fields(
                name.orElseGet(() -> current.orElseThrow().name()),
                type.orElseGet(() -> current.orElseThrow().eventType()),
                target.map(String::trim).orElseGet(() -> current.orElseThrow().target()),
                active.orElseGet(() -> current.map(Subscriptions.Subscription::active).orElse(true)),
                headers.orElseGet(() -> current.map(Subscriptions.Subscription::customHeadersJson).orElse("{}")),
                agencyId);
    }

    private Optional<Long> agencyIdOrNull(String name) {
        try {
            return subscriptions.agencyId(name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<String> customHeaders(JsonNode node, List<String> problems) throws JsonProcessingException {
        if (node == null) {
            return Optional.empty();
        }
        if (node.isNull()) {
            return Optional.of("{}");
        }
        if (!node.isObject()) {
            problems.add("customHeaders: must be an object of header name to text");
            return Optional.empty();
        }
        if (node.size() > MAX_HEADERS) {
            problems.add("customHeaders: at most " + MAX_HEADERS + " headers");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (!HEADER_NAME.matcher(key).matches() || RESERVED_HEADERS.contains(key.toLowerCase(Locale.ROOT))
                    || key.toLowerCase(Locale.ROOT).startsWith("camel")) {
                problems.add("customHeaders: '" + key + "' is not an allowed header name");
                continue;
            }
            JsonNode v = e.getValue();
            if (!v.isTextual() || v.asText().length() > MAX_HEADER_VALUE || v.asText().chars().anyMatch(Character::isISOControl)) {
                problems.add("customHeaders." + key + ": must be text without control characters, at most "
                        + MAX_HEADER_VALUE + " characters");
                continue;
            }
            out.put(key, v.asText());
        }
        return Optional.of(json.writeValueAsString(out));
    }

    private Map<String, Object> view(Subscriptions.Subscription s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("kind", "subscription");
        m.put("name", s.name());
        m.put("eventType", s.eventType());
        m.put("target", s.target());
        m.put("active", s.active());
        try {
            m.put("customHeaders", json.readValue(s.customHeadersJson(), new TypeReference<Map<String, String>>() { }));
        } catch (JsonProcessingException e) {
            m.put("customHeaders", Map.of());
        }
        m.put("agency", s.agency().orElse(null));
        m.put("createdAt", s.createdAt());
        m.put("updatedAt", s.updatedAt());
        return m;
    }
}
