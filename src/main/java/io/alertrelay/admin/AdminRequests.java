package io.alertrelay.admin;

import io.alertrelay.http.ApiProblem;
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

    static String iso(OffsetDateTime t) {
        return t == null ? null : t.toInstant().toString();
    }
}
