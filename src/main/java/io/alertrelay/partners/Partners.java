package io.alertrelay.partners;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.db.SqlStatements;
import io.alertrelay.events.JsonBodies;
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
import java.util.regex.Pattern;

/**
 * Partners that push signed webhooks to {@code /webhooks/{partner}}: each has its own whsec_ secret
 * (generated, shown once, AES-GCM at rest). Admin steps for {@code /api/admin/partners}.
 */
public final class Partners {

    private static final String INSERT = SqlStatements.load("partner-insert");
    private static final String SELECT = SqlStatements.load("partner-select");
    private static final String SECRET = SqlStatements.load("partner-secret");
    private static final String UPDATE = SqlStatements.load("partner-update");
    private static final String DELETE = SqlStatements.load("partner-delete");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final DataSource dataSource;
    private final SecretCipher cipher;
    private final JsonBodies bodies;

    public Partners(DataSource dataSource, SecretCipher cipher, JsonBodies bodies) {
        this.dataSource = dataSource;
        this.cipher = cipher;
        this.bodies = bodies;
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

    /** POST /api/admin/partners {"name"}: 201 with the secret, shown this once. */
    public void create(Exchange exchange) throws Exception {
        ObjectNode body = bodies.object(exchange);
        List<String> problems = new ArrayList<>();
        Optional<String> name = JsonBodies.requiredText(body, "name", 63, problems);
        name.filter(n -> !NAME.matcher(n).matches()).ifPresent(n ->
                problems.add("name: '" + n + "' must be lower-case letters, digits and '-' (it becomes the URL path)"));
        JsonBodies.reject(problems, "invalid partner");
        String secret = WebhookSecrets.generate();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, name.get());
            ps.setString(2, cipher.encrypt(secret));
            ps.executeQuery().close();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new ApiProblem(409, "partner already exists", List.of("name: '" + name.get() + "' is taken"));
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
                    m.put("webhookPath", "/webhooks/" + rs.getString("name"));
                    m.put("inboundEvents", rs.getLong("inbound_events"));
                    m.put("lastReceivedAt", iso(rs.getTimestamp("last_received_at")));
                    m.put("createdAt", iso(rs.getTimestamp("created_at")));
                    out.add(m);
                }
            }
        }
        return out;
    }

    private static String iso(Timestamp ts) {
        return ts == null ? null : ts.toInstant().toString();
    }
}
