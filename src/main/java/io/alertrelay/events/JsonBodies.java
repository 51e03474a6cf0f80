package io.alertrelay.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.http.ApiProblem;
import io.alertrelay.http.NulGuard;
import org.apache.camel.Exchange;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Reads and checks JSON request bodies and common fields for the events, subscriptions and partner APIs. */
public final class JsonBodies {

    private static final Pattern CORRELATION = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    private final ObjectMapper json;
    private final long maxBodyBytes;

    public JsonBodies(ObjectMapper json, long maxBodyBytes) {
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
    }

    public ObjectMapper mapper() {
        return json;
    }

    /** The request body as a JSON object: 415 if not JSON, 413 if too large, 400 if empty or not an object. */
    public ObjectNode object(Exchange exchange) throws JsonProcessingException {
        String type = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        String base = type == null ? "" : type.split(";")[0].trim().toLowerCase();
        if (!base.equals("application/json") && !(base.startsWith("application/") && base.endsWith("+json"))) {
            throw new ApiProblem(415, "unsupported content type", List.of("Content-Type: expected application/json, got "
                    + (type == null ? "none" : "'" + type + "'")));
        }
        byte[] body = raw(exchange);
        if (body.length == 0) {
            throw ApiProblem.badRequest("request body is empty", "expected a JSON object");
        }
        JsonNode node = json.readTree(new String(body, StandardCharsets.UTF_8));
        if (node == null || !node.isObject()) {
            throw ApiProblem.badRequest("request body must be a JSON object");
        }
        return NulGuard.json("", (ObjectNode) node);
    }

    /** The raw request bytes, 413 over the limit. */
    public byte[] raw(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null) {
            return new byte[0];
        }
        if (body.length > maxBodyBytes) {
            throw new ApiProblem(413, "request body too large",
                    List.of("the limit is " + maxBodyBytes + " bytes, got " + body.length));
        }
        return body;
    }

    /** A text field: absent or null is empty; the wrong type or length is a problem. */
    public static Optional<String> text(JsonNode node, String field, int max, List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            problems.add(field + ": must be a string");
            return Optional.empty();
        }
        String s = v.asText().trim();
        if (s.isEmpty()) {
            problems.add(field + ": must not be empty");
            return Optional.empty();
        }
        if (s.length() > max) {
            problems.add(field + ": at most " + max + " characters");
            return Optional.empty();
        }
        return Optional.of(s);
    }

    public static Optional<String> requiredText(JsonNode node, String field, int max, List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            problems.add(field + ": is required");
            return Optional.empty();
        }
        return text(node, field, max, problems);
    }

    public static Optional<Boolean> bool(JsonNode node, String field, List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isBoolean()) {
            problems.add(field + ": must be true or false");
            return Optional.empty();
        }
        return Optional.of(v.booleanValue());
    }

    /** The request's correlation id (X-Correlation-Id when well-formed, else a new one), kept on the exchange. */
    public static String correlationId(Exchange exchange) {
        String offered = exchange.getMessage().getHeader("X-Correlation-Id", String.class);
        String id = offered != null && CORRELATION.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
        exchange.setProperty("correlationId", id);
        return id;
    }

    public static void reject(List<String> problems, String error) {
        if (!problems.isEmpty()) {
            throw new ApiProblem(400, error, problems);
        }
    }
}
