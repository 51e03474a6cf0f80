package io.alertrelay.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.db.SqlStatements;
import io.alertrelay.http.ApiProblem;
import io.alertrelay.signing.Ed25519Keys;
import io.alertrelay.signing.WebhookSecrets;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An agency's webhook as the admin beans read it (one row of admin-webhook-config.sql), what admins may
 * see of it (never a secret, only public keys), and the secrets it is given: shared by registration
 * ({@link WebhookAdmin}), signing and rotation ({@link WebhookSigningAdmin}) and the test message
 * ({@link WebhookTestAdmin}).
 */
final class AgencyWebhooks {

    static final String HMAC = "hmac-sha256";
    static final String ED25519 = "ed25519";
    private static final String CONFIG = SqlStatements.load("admin-webhook-config");

    private final DataSource dataSource;
    private final ObjectMapper json;

    AgencyWebhooks(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    record Agency(long id, String name, String displayName, String webhookUrl, boolean active,
                          String customHeaders, String algorithm, Optional<String> secretEnc,
                          Optional<String> previousSecretEnc, OffsetDateTime previousUntil, boolean inGrace) {
    }

    /** What admins may see of an agency's webhook: never a secret, only public keys. */
    Map<String, Object> view(Agency a) {
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

    static void revealOnce(Map<String, Object> reply, String secret) {
        if (Ed25519Keys.isEd25519Secret(secret)) {
            reply.put("publicKey", Ed25519Keys.publicKey(secret));
            reply.put("publicKeyX509", Base64.getEncoder().encodeToString(Ed25519Keys.x509(secret)));
        } else {
            reply.put("secret", secret);
            reply.put("secretNotice", "store this secret now: it is never shown again");
        }
    }

    static String newSecret(String algorithm) {
        return ED25519.equals(algorithm) ? Ed25519Keys.generateSecret() : WebhookSecrets.generate();
    }

    static String algorithm(JsonNode node, String fallback, List<String> problems) {
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

    private Object headers(String text) {
        try {
            return text == null ? Map.of() : json.readValue(text, new TypeReference<Map<String, Object>>() { });
        } catch (Exception e) {
            return Map.of();
        }
    }

    Agency require(String name) throws SQLException {
        return find(name).orElseThrow(() -> ApiProblem.notFound("unknown agency", "agency: '" + name + "' does not exist"));
    }

    Optional<Agency> find(String name) throws SQLException {
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
