package io.alertrelay.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The one reader of JSON request bodies, for the flag intake, events, unflag, subscriptions and
 * partners: Content-Type (415), size (413), empty or not an object (400), malformed (400, by
 * {@link HttpReplies#toProblem}), a NUL character anywhere (400, {@link NulGuard}); and the field
 * checks those APIs share.
 */
public final class JsonBodies {

    /** Its registry name. */
    public static final String BEAN = "jsonBodies";
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
        return object(exchange, "expected a JSON object", null);
    }

    /**
     * As {@link #object(Exchange)}, the 400 for an empty body detailed by {@code expectedWhenEmpty} and
     * for a body that is not an object by {@code expectedWhenNotObject} (null: no detail).
     */
    public ObjectNode object(Exchange exchange, String expectedWhenEmpty, String expectedWhenNotObject)
            throws JsonProcessingException {
        requireJsonType(exchange, true);
        byte[] body = raw(exchange);
        if (body.length == 0) {
            throw ApiProblem.badRequest("request body is empty", expectedWhenEmpty);
        }
        return parsedObject(new String(body, StandardCharsets.UTF_8), expectedWhenNotObject);
    }

    /**
     * An admin call's body: a JSON object, 413 if too large; an empty body is an empty object when
     * {@code optional}, else 400. The admin API has never required a Content-Type, so none is accepted,
     * but a non-JSON one is 415 (a form-encoded body, curl's -d default, is consumed by the HTTP server
     * and would otherwise look empty).
     */
    public ObjectNode adminObject(Exchange exchange, boolean optional) throws JsonProcessingException {
        requireJsonType(exchange, false);
        String body = new String(raw(exchange), StandardCharsets.UTF_8);
        if (body.isBlank()) {
            if (optional) {
                return json.createObjectNode();
            }
            throw ApiProblem.badRequest("request body is empty", "expected a JSON object");
        }
        return parsedObject(body, "expected a JSON object");
    }

    private static void requireJsonType(Exchange exchange, boolean required) {
        String type = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (type == null && !required) {
            return;
        }
        String base = type == null ? "" : type.split(";")[0].trim().toLowerCase();
        if (!base.equals("application/json") && !(base.startsWith("application/") && base.endsWith("+json"))) {
            throw new ApiProblem(415, "unsupported content type", List.of("Content-Type: expected application/json, got "
                    + (type == null ? "none" : "'" + type + "'")));
        }
    }

    private ObjectNode parsedObject(String body, String expectedWhenNotObject) throws JsonProcessingException {
        JsonNode node = json.readTree(body);
        if (node == null || !node.isObject()) {
            throw expectedWhenNotObject == null ? ApiProblem.badRequest("request body must be a JSON object")
                    : ApiProblem.badRequest("request body must be a JSON object", expectedWhenNotObject);
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

    /** A text field, trimmed: absent or null is empty; the wrong type, blank or too long is a problem. */
    public static Optional<String> text(JsonNode node, String field, int max, List<String> problems) {
        Optional<String> sent = verbatimText(node, field, Integer.MAX_VALUE, problems);
        if (sent.isEmpty()) {
            return sent;
        }
        String s = sent.get().trim();
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

    /** A text field taken as sent (not trimmed, may be empty): absent or null is empty; wrong type or length is a problem. */
    public static Optional<String> verbatimText(JsonNode node, String field, int max, List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            problems.add(field + ": must be a string");
            return Optional.empty();
        }
        if (v.asText().length() > max) {
            problems.add(field + ": at most " + max + " characters");
            return Optional.empty();
        }
        return Optional.of(v.asText());
    }

    /** A required string naming one of an enumeration's values ({@code allowed} lists them for the client). */
    public static <E> Optional<E> requiredChoice(JsonNode node, String field, Function<String, Optional<E>> parse,
                                                 String allowed, List<String> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            problems.add(field + ": is required (one of " + allowed + ")");
            return Optional.empty();
        }
        if (!value.isTextual()) {
            problems.add(field + ": must be a string, one of " + allowed);
            return Optional.empty();
        }
        Optional<E> parsed = parse.apply(value.asText());
        if (parsed.isEmpty()) {
            problems.add(field + ": '" + value.asText() + "' is not one of " + allowed);
        }
        return parsed;
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
        return correlationId(exchange, () -> UUID.randomUUID().toString());
    }

    /** As {@link #correlationId(Exchange)}, a new id made by {@code fresh}. */
    public static String correlationId(Exchange exchange, java.util.function.Supplier<String> fresh) {
        String offered = exchange.getMessage().getHeader("X-Correlation-Id", String.class);
        String id = offered != null && CORRELATION.matcher(offered).matches() ? offered : fresh.get();
        exchange.setProperty("correlationId", id);
        return id;
    }

    public static void reject(List<String> problems, String error) {
        if (!problems.isEmpty()) {
            throw new ApiProblem(400, error, problems);
        }
    }
}
