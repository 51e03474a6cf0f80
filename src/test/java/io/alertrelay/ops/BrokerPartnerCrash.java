package io.alertrelay.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import io.alertrelay.db.EmbeddedPostgres;
import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A relay JVM killed with kill -9 while it consumes a broker partner's source, then started again:
 * every published flag exists exactly once (the message is acknowledged only after the relay's
 * transaction, and a message read again is recognised by its webhook-id). One subclass per broker
 * transport says how the partner is registered and how it publishes.
 */
abstract class BrokerPartnerCrash {

    static final int MESSAGES = 300;
    private static final String TOKEN = AdminToken.mint(RelayProcess.JWT_SECRET);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** The relay's broker settings. */
    abstract Map<String, String> brokerSettings();

    /** Prepares the partner's source on the broker and answers the {@code transport} and {@code source} of its registration. */
    abstract Map<String, String> source(String partner);

    /** Publishes one message as the partner does; {@code headers} are the Standard Webhooks values under their HTTP names. */
    abstract void publish(String source, String webhookId, String body, Map<String, String> headers);

    @Test
    void aRelayKilledWhileConsumingLosesNoMessageAndCreatesNoFlagTwice() throws Exception {
        String db = TestDatabase.newDatabase();
        String partner = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> source = source(partner);
        Map<String, String> settings = new HashMap<>(brokerSettings());
        settings.put("relay.partners.sync-ms", "500");
        settings.put("relay.http.client-rate-limit.per-minute", "100000000");
        try (AgencyReceiver agencies = new AgencyReceiver()) {
            try (RelayProcess first = RelayProcess.start(db, agencies.url(""), settings).awaitReady(Duration.ofSeconds(60))) {
                HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(first.baseUrl() + "/api/admin/partners"))
                        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + partner + "\",\"transport\":\""
                                + source.get("transport") + "\",\"source\":\"" + source.get("source") + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                Webhook signer = new Webhook(new ObjectMapper().readTree(created.body()).get("secret").asText());
                for (int i = 1; i <= MESSAGES; i++) {
                    String id = "msg_" + i;
                    String body = "{\"type\":\"scan.counterfeit_detected\",\"data\":{\"code\":\""
                            + String.format("DEMO-DRUG-%04d", 1 + (i % 400)) + "\",\"severity\":\"high\"}}";
                    long now = Instant.now().getEpochSecond();
                    publish(source.get("source"), id, body, Map.of("webhook-id", id, "webhook-timestamp", String.valueOf(now),
                            "webhook-signature", signer.sign(id, now, body)));
                }
                // kill it in the middle of the source
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                        .until(() -> flags(db, partner) >= MESSAGES / 5);
                first.kill();
            }
            long beforeRestart = flags(db, partner);
            assertThat(beforeRestart).isLessThan(MESSAGES);
            try (RelayProcess second = RelayProcess.start(db, agencies.url(""), settings).awaitReady(Duration.ofSeconds(60))) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> flags(db, partner) >= MESSAGES);
                assertThat(flags(db, partner)).isEqualTo(MESSAGES);
                assertThat(count(db, "SELECT count(DISTINCT idempotency_key) FROM flags WHERE reported_by = 'partner:" + partner + "'"))
                        .isEqualTo(MESSAGES);
                assertThat(count(db, "SELECT count(*) FROM inbound_events WHERE partner = '" + partner + "'")).isEqualTo(MESSAGES);
                assertThat(count(db, "SELECT count(*) FROM inbound_events WHERE partner = '" + partner
                        + "' AND outcome <> 'flag'")).isZero();
            }
        }
    }

    private static long flags(String db, String partner) throws SQLException {
        return count(db, "SELECT count(*) FROM flags WHERE reported_by = 'partner:" + partner + "'");
    }

    private static long count(String db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db, EmbeddedPostgres.USER, "");
             PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
