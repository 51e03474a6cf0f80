package io.alertrelay.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.alertrelay.db.SqlStatements;
import io.alertrelay.http.ApiProblem;
import io.alertrelay.signing.Ed25519Keys;
import io.alertrelay.signing.SecretCipher;
import org.apache.camel.Exchange;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in demo agency: verifies each webhook with the reference Standard Webhooks library and
 * the agency's secret, answers with a case number, and lists what arrived.
 */
public final class DemoReceiver {

    private static final String AGENCY_SECRET = SqlStatements.load("agency-secret");
    private static final int KEEP = 500;
    private static final long SECRET_CACHE_MS = 5_000;

    private final DataSource dataSource;
    private final SecretCipher cipher;
    private final ObjectMapper json;
    private final Map<String, Deque<Map<String, Object>>> received = new ConcurrentHashMap<>();
    private final Map<String, CachedSecret> secrets = new ConcurrentHashMap<>();

    private record CachedSecret(Optional<String> secret, long loadedAt) {
    }

    public DemoReceiver(DataSource dataSource, SecretCipher cipher, ObjectMapper json) {
        this.dataSource = dataSource;
        this.cipher = cipher;
        this.json = json;
    }

    public void receive(Exchange exchange) throws SQLException {
        var in = exchange.getMessage();
        String agency = in.getHeader("agency", String.class);
        String body = in.getBody(String.class);
        String secret = secretOf(agency).orElseThrow(() -> ApiProblem.notFound("unknown demo agency",
                "agency: '" + agency + "' has no webhook secret"));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
            String value = in.getHeader(name, String.class);
            if (value != null) {
                headers.put(name, List.of(value));
            }
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("webhookId", in.getHeader("webhook-id", String.class));
        entry.put("receivedAt", Instant.now().toString());
        entry.put("correlationId", in.getHeader("X-Correlation-Id", String.class));
        try {
            if (Ed25519Keys.isEd25519Secret(secret)) {
                // an agency that chose Ed25519: v1a signatures, verified with its public key
                if (!Ed25519Keys.verifies(secret, in.getHeader("webhook-id", String.class),
                        in.getHeader("webhook-timestamp", String.class), body, in.getHeader("webhook-signature", String.class))) {
                    throw new WebhookVerificationException("No matching v1a signature found");
                }
            } else {
                new Webhook(secret).verify(body == null ? "" : body, headers);
            }
            entry.put("verified", true);
        } catch (WebhookVerificationException e) {
            entry.put("verified", false);
            entry.put("error", e.getMessage());
            remember(agency, entry);
            throw new ApiProblem(401, "signature verification failed", List.of(String.valueOf(e.getMessage())));
        }
        JsonNode event = parse(body);
        entry.put("type", event == null ? null : event.path("type").asText(null));
        entry.put("event", event);
        remember(agency, entry);
        String caseNumber = "CASE-" + agency + "-" + Math.abs((long) String.valueOf(entry.get("webhookId")).hashCode());
        exchange.getMessage().setBody(Map.of("received", true, "caseNumber", caseNumber));
    }

    public void list(Exchange exchange) {
        String agency = exchange.getMessage().getHeader("agency", String.class);
        List<Map<String, Object>> messages;
        Deque<Map<String, Object>> deque = received.get(agency);
        if (deque == null) {
            messages = List.of();
        } else {
            synchronized (deque) {
                messages = new ArrayList<>(deque);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agency", agency);
        body.put("count", messages.size());
        body.put("messages", messages);
        exchange.getMessage().setBody(body);
    }

    private void remember(String agency, Map<String, Object> entry) {
        Deque<Map<String, Object>> deque = received.computeIfAbsent(agency, a -> new ArrayDeque<>());
        synchronized (deque) {
            deque.addFirst(entry);
            while (deque.size() > KEEP) {
                deque.removeLast();
            }
        }
    }

    private JsonNode parse(String body) {
        try {
            return json.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    private Optional<String> secretOf(String agency) throws SQLException {
        CachedSecret cached = secrets.get(agency);
        long now = System.currentTimeMillis();
        if (cached != null && now - cached.loadedAt() < SECRET_CACHE_MS) {
            return cached.secret();
        }
        Optional<String> secret = Optional.empty();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(AGENCY_SECRET)) {
            ps.setString(1, agency);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getString(1) != null) {
                    secret = Optional.of(cipher.decrypt(rs.getString(1)));
                }
            }
        }
        secrets.put(agency, new CachedSecret(secret, now));
        return secret;
    }
}
