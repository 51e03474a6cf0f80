package io.alertrelay.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.http.ApiProblem;
import io.alertrelay.http.NulGuard;
import org.apache.camel.Exchange;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads and validates what an admin request carries: path and query parameters, a JSON body. */
final class AdminRequests {

    static final Pattern AGENCY_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$");

    private AdminRequests() {
    }

    static String agency(Exchange exchange) {
        String name = exchange.getMessage().getHeader("agency", String.class);
        if (name == null || !AGENCY_NAME.matcher(name).matches()) {
            throw ApiProblem.badRequest("invalid agency name",
                    "agency: letters, digits, '.', '_' or '-', at most 64 characters");
        }
        return name;
    }

    static int limit(Exchange exchange, int fallback, int max) {
        String raw = exchange.getMessage().getHeader("limit", String.class);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= 1 && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiProblem.badRequest("invalid query parameter", "limit: an integer from 1 to " + max);
    }

    static Optional<Instant> instant(Exchange exchange, String name) {
        String raw = exchange.getMessage().getHeader(name, String.class);
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(raw.trim()).toInstant());
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(Instant.parse(raw.trim()));
            } catch (DateTimeParseException e2) {
                throw ApiProblem.badRequest("invalid query parameter",
                        name + ": an ISO-8601 time such as 2026-11-23T00:00:00Z");
            }
        }
    }

    static Optional<String> text(Exchange exchange, String name) {
        String raw = exchange.getMessage().getHeader(name, String.class);
        return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(raw.trim());
    }

    /** The body as a JSON object (an empty body is an empty object when {@code optional}). */
    static JsonNode jsonObject(Exchange exchange, ObjectMapper json, boolean optional) {
        String body = exchange.getMessage().getBody(String.class);
        if (body == null || body.isBlank()) {
            if (optional) {
                return json.createObjectNode();
            }
            throw ApiProblem.badRequest("missing body", "expected a JSON object");
        }
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw ApiProblem.badRequest("invalid body", "expected a JSON object");
            }
            return NulGuard.json("", node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ApiProblem(400, "malformed JSON", java.util.List.of(e.getOriginalMessage()));
        }
    }

    static String iso(OffsetDateTime t) {
        return t == null ? null : t.toInstant().toString();
    }
}
