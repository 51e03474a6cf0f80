package io.alertrelay.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.db.SqlStatements;
import io.alertrelay.http.ApiProblem;
import io.alertrelay.http.JsonBodies;
import io.alertrelay.signing.Ed25519Keys;
import io.alertrelay.signing.SecretCipher;
import org.apache.camel.Exchange;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Secret rotation with a grace period (the old secret keeps verifying until it ends), the switch
 * between AgencyWebhooks.HMAC-SHA256 and Ed25519 signing, and an Ed25519 agency's public key.
 */
public final class WebhookSigningAdmin {

    private static final String ROTATE = SqlStatements.load("admin-webhook-rotate");
    private static final Duration MAX_GRACE = Duration.ofDays(7);

    private final DataSource dataSource;
    private final SecretCipher cipher;
    private final ObjectMapper json;
    private final JsonBodies bodies;
    private final AgencyWebhooks agencies;
    private final Duration defaultGrace;

    WebhookSigningAdmin(DataSource dataSource, SecretCipher cipher, JsonBodies bodies, AgencyWebhooks agencies,
                        Duration defaultGrace) {
        this.dataSource = dataSource;
        this.cipher = cipher;
        this.bodies = bodies;
        this.json = bodies.mapper();
        this.agencies = agencies;
        this.defaultGrace = defaultGrace;
    }

    /** Body (optional): {@code {"gracePeriod":"PT24H","signingAlgorithm":"ed25519"}}. */
    public void rotate(Exchange exchange) throws SQLException, JsonProcessingException {
        String name = AdminRequests.agency(exchange);
        JsonNode body = bodies.adminObject(exchange, true);
        AgencyWebhooks.Agency a = agencies.require(name);
        List<String> problems = new ArrayList<>();
        String algorithm = AgencyWebhooks.algorithm(body.get("signingAlgorithm"), a.algorithm(), problems);
        Duration grace = grace(body.get("gracePeriod"), problems);
        if (!problems.isEmpty()) {
            throw new ApiProblem(400, "invalid rotation", problems);
        }
        exchange.getMessage().setBody(rotateTo(exchange, a, algorithm, grace));
    }

    /** PATCH {@code {"signingAlgorithm":"ed25519"|"hmac-sha256","gracePeriod":"PT24H"}}: a rotation to another kind of key. */
    public void changeSigning(Exchange exchange) throws SQLException, JsonProcessingException {
        String name = AdminRequests.agency(exchange);
        JsonNode body = bodies.adminObject(exchange, false);
        AgencyWebhooks.Agency a = agencies.require(name);
        List<String> problems = new ArrayList<>();
        if (body.get("signingAlgorithm") == null) {
            problems.add("signingAlgorithm: required, one of hmac-sha256, ed25519");
        }
        String algorithm = AgencyWebhooks.algorithm(body.get("signingAlgorithm"), a.algorithm(), problems);
        Duration grace = grace(body.get("gracePeriod"), problems);
        if (!problems.isEmpty()) {
            throw new ApiProblem(400, "invalid signing change", problems);
        }
        exchange.getMessage().setBody(rotateTo(exchange, a, algorithm, grace));
    }

    private Map<String, Object> rotateTo(Exchange exchange, AgencyWebhooks.Agency a, String algorithm, Duration grace) throws SQLException {
        if (a.secretEnc().isEmpty()) {
            throw new ApiProblem(409, "no webhook registered", List.of("agency '" + a.name()
                    + "' has no secret yet; register its webhook first"));
        }
        exchange.setProperty(AdminAudit.BEFORE, agencies.view(a));
        String secret = AgencyWebhooks.newSecret(algorithm);
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
        Map<String, Object> after = agencies.view(agencies.require(a.name()));
        exchange.setProperty(AdminAudit.AFTER, after);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("agency", a.name());
        reply.put("signingAlgorithm", algorithm);
        AgencyWebhooks.revealOnce(reply, secret);
        reply.put("previousSecretValidUntil", grace.isZero() ? null : AdminRequests.iso(until));
        return reply;
    }

    public void publicKey(Exchange exchange) throws SQLException {
        AgencyWebhooks.Agency a = agencies.require(AdminRequests.agency(exchange));
        String secret = a.secretEnc().map(cipher::decrypt).orElse("");
        if (!AgencyWebhooks.ED25519.equals(a.algorithm()) || !Ed25519Keys.isEd25519Secret(secret)) {
            throw new ApiProblem(409, "agency does not sign with Ed25519", List.of("agency '" + a.name()
                    + "' signs with " + a.algorithm() + "; choose ed25519 at registration or PATCH .../signing"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agency", a.name());
        out.put("signingAlgorithm", AgencyWebhooks.ED25519);
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
}
