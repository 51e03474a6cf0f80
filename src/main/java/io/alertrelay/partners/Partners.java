package io.alertrelay.partners;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.db.SqlStatements;
import io.alertrelay.http.JsonBodies;
import io.alertrelay.http.ApiProblem;
import io.alertrelay.signing.SecretCipher;
import io.alertrelay.signing.WebhookSecrets;
import org.apache.camel.Exchange;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Partners that push signed webhooks to {@code /webhooks/{partner}}, or publish them to a broker
 * topic or queue the relay consumes (SPEC §12): each has its own whsec_ secret (generated, shown
 * once, AES-GCM at rest). Admin steps for {@code /api/admin/partners}.
 */
public final class Partners {

    private static final String INSERT = SqlStatements.load("partner-insert");
    private static final String SELECT = SqlStatements.load("partner-select");
    private static final String SECRET = SqlStatements.load("partner-secret");
    private static final String UPDATE = SqlStatements.load("partner-update");
    private static final String DELETE = SqlStatements.load("partner-delete");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private static final String BROKER_SOURCES = SqlStatements.load("partner-broker-sources");
    public static final String HTTP = "http";

    private final DataSource dataSource;
    private final SecretCipher cipher;
    private final JsonBodies bodies;
    private final Map<String, Function<String, Optional<String>>> brokerSources;

    /**
     * {@code brokerSources}: the broker transports configured on this relay (kafka ...), each with the
     * rule its sources must follow (a topic name ...); a partner on any other transport is refused.
     */
    public Partners(DataSource dataSource, SecretCipher cipher, JsonBodies bodies,
                    Map<String, Function<String, Optional<String>>> brokerSources) {
        this.dataSource = dataSource;
        this.cipher = cipher;
        this.bodies = bodies;
        this.brokerSources = Map.copyOf(brokerSources);
    }

    /** A partner a broker transport consumes for: its name and its topic or queue. */
    public record BrokerPartner(String name, String source) {
    }

    /** The active partners of one broker transport, with their sources. */
    public List<BrokerPartner> onTransport(String transport) throws SQLException {
        List<BrokerPartner> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(BROKER_SOURCES)) {
            ps.setString(1, transport);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new BrokerPartner(rs.getString("name"), rs.getString("source")));
                }
            }
        }
        return out;
    }

    /** The active partner's plaintext secret, or empty for an unknown or disabled partner. */
    public Optional<String> secretOf(String partner) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SECRET)) {
            ps.setString(1, partner);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(cipher.decrypt(rs.getString(1))) : Optional.empty();
            }
        }
    }

    /**
     * POST /api/admin/partners {"name", "transport" (http by default, or a configured broker transport),
     * "source" (its topic or queue)}: 201 with the secret, shown this once.
     */
    public void create(Exchange exchange) throws Exception {
        ObjectNode body = bodies.object(exchange);
        List<String> problems = new ArrayList<>();
        Optional<String> name = JsonBodies.requiredText(body, "name", 63, problems);
        name.filter(n -> !NAME.matcher(n).matches()).ifPresent(n ->
                problems.add("name: '" + n + "' must be lower-case letters, digits and '-' (it becomes the URL path)"));
        String transport = JsonBodies.text(body, "transport", 20, problems).orElse(HTTP);
        Optional<String> source = JsonBodies.text(body, "source", 300, problems);
        if (HTTP.equals(transport)) {
            source.ifPresent(s -> problems.add("source: only a broker partner (transport kafka ...) has a source"));
        } else if (!brokerSources.containsKey(transport)) {
            problems.add("transport: '" + transport + "' is not available here (available: " + available()
                    + "; a broker transport needs its broker configured: RELAY_KAFKA_BROKERS for kafka, RELAY_JMS_BROKER_URL for jms)");
        } else if (source.isEmpty()) {
            problems.add("source: required for a " + transport + " partner (the topic or queue it publishes to)");
        } else {
            brokerSources.get(transport).apply(source.get()).ifPresent(why -> problems.add("source: " + why));
        }
        JsonBodies.reject(problems, "invalid partner");
        String secret = WebhookSecrets.generate();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, name.get());
            ps.setString(2, cipher.encrypt(secret));
            ps.setString(3, transport);
            ps.setString(4, source.orElse(null));
            ps.executeQuery().close();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                boolean sourceTaken = String.valueOf(e.getMessage()).contains("transport_source");
                throw new ApiProblem(409, "partner already exists", List.of(sourceTaken
                        ? "source: '" + source.orElse("") + "' is already consumed for another partner"
                        : "name: '" + name.get() + "' is taken"));
            }
            throw e;
        }
        Map<String, Object> out = find(name.get()).orElseThrow();
        out.put("secret", secret);
        out.put("secretNote", "shown once: the partner signs its webhooks with it (Standard Webhooks)");
        exchange.getMessage().setBody(out);
    }

    public void list(Exchange exchange) throws SQLException {
        exchange.getMessage().setBody(Map.of("partners", query(SELECT + " ORDER BY p.name", null)));
    }

    public void show(Exchange exchange) throws SQLException {
        exchange.getMessage().setBody(existing(exchange));
    }

    /** PATCH {"active"} and/or {"rotateSecret": true} (the new secret is returned once). */
    public void update(Exchange exchange) throws Exception {
        Map<String, Object> current = existing(exchange);
        ObjectNode body = bodies.object(exchange);
        List<String> problems = new ArrayList<>();
        Optional<Boolean> active = JsonBodies.bool(body, "active", problems);
        boolean rotate = JsonBodies.bool(body, "rotateSecret", problems).orElse(false);
        JsonBodies.reject(problems, "invalid partner change");
        String name = (String) current.get("name");
        String secret = rotate ? WebhookSecrets.generate() : null;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(UPDATE)) {
            if (active.isPresent()) {
                ps.setBoolean(1, active.get());
            } else {
                ps.setNull(1, Types.BOOLEAN);
            }
            ps.setString(2, secret == null ? null : cipher.encrypt(secret));
            ps.setString(3, name);
            ps.executeUpdate();
        }
        Map<String, Object> out = find(name).orElseThrow();
        if (secret != null) {
            out.put("secret", secret);
            out.put("secretNote", "shown once: the old secret no longer verifies");
        }
        exchange.getMessage().setBody(out);
    }

    public void delete(Exchange exchange) throws SQLException {
        Map<String, Object> current = existing(exchange);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setString(1, (String) current.get("name"));
            ps.executeUpdate();
        }
        exchange.getMessage().setBody(Map.of("name", current.get("name"), "deleted", true));
    }

    private Map<String, Object> existing(Exchange exchange) throws SQLException {
        String name = exchange.getMessage().getHeader("partner", String.class);
        return find(name == null ? "" : name).orElseThrow(() ->
                ApiProblem.notFound("unknown partner", "partner: no partner '" + name + "'"));
    }

    private Optional<Map<String, Object>> find(String name) throws SQLException {
        return query(SELECT + " WHERE p.name = ?", name).stream().findFirst();
    }

    private List<Map<String, Object>> query(String sql, String name) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (name != null) {
                ps.setString(1, name);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", rs.getString("name"));
                    m.put("active", rs.getBoolean("active"));
                    String transport = rs.getString("transport");
                    m.put("transport", transport);
                    m.put("source", rs.getString("source"));
                    m.put("webhookPath", HTTP.equals(transport) ? "/webhooks/" + rs.getString("name") : null);
                    m.put("inboundEvents", rs.getLong("inbound_events"));
                    m.put("lastReceivedAt", iso(rs.getTimestamp("last_received_at")));
                    m.put("createdAt", iso(rs.getTimestamp("created_at")));
                    out.add(m);
                }
            }
        }
        return out;
    }

    private List<String> available() {
        List<String> all = new ArrayList<>(List.of(HTTP));
        all.addAll(brokerSources.keySet());
        return all;
    }

    private static String iso(Timestamp ts) {
        return ts == null ? null : ts.toInstant().toString();
    }
}
