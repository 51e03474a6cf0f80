package io.alertrelay.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import io.alertrelay.db.EmbeddedPostgres;
import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.KafkaBroker;
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
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A relay JVM killed with kill -9 while it consumes a Kafka partner's topic, then started again: every
 * published flag exists exactly once (offsets are committed only after the relay's transaction, and a
 * record read again is recognised by its webhook-id).
 */
class KafkaPartnerCrashTest {

    private static final int RECORDS = 300;
    private static final String TOKEN = AdminToken.mint(RelayProcess.JWT_SECRET);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Test
    void aRelayKilledWhileConsumingLosesNoRecordAndCreatesNoFlagTwice() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String db = TestDatabase.newDatabase();
        String partner = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        String topic = "partners." + partner;
        broker.createTopic(topic, 3);
        Map<String, String> kafka = Map.of(
                "relay.kafka.brokers", broker.bootstrapServers(),
                "relay.partners.sync-ms", "500",
                // the killed consumer's partitions move to the new instance after this, not Kafka's 45 s default
                "camel.component.kafka.sessionTimeoutMs", "8000",
                "camel.component.kafka.heartbeatIntervalMs", "2000",
                "relay.http.client-rate-limit.per-minute", "100000000");
        try (AgencyReceiver agencies = new AgencyReceiver()) {
            String secret;
            try (RelayProcess first = RelayProcess.start(db, agencies.url(""), kafka).awaitReady(Duration.ofSeconds(60))) {
                HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(first.baseUrl() + "/api/admin/partners"))
                        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + partner + "\",\"transport\":\"kafka\","
                                + "\"source\":\"" + topic + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                secret = new ObjectMapper().readTree(created.body()).get("secret").asText();
                Webhook signer = new Webhook(secret);
                for (int i = 1; i <= RECORDS; i++) {
                    String id = "msg_" + i;
                    String body = "{\"type\":\"scan.counterfeit_detected\",\"data\":{\"code\":\""
                            + String.format("DEMO-DRUG-%04d", 1 + (i % 400)) + "\",\"severity\":\"high\"}}";
                    long now = Instant.now().getEpochSecond();
                    broker.send(topic, id, body, Map.of("webhook-id", id, "webhook-timestamp", String.valueOf(now),
                            "webhook-signature", signer.sign(id, now, body)));
                }
                // kill it in the middle of the topic
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                        .until(() -> flags(db, partner) >= RECORDS / 5);
                first.kill();
            }
            long beforeRestart = flags(db, partner);
            assertThat(beforeRestart).isLessThan(RECORDS);
            try (RelayProcess second = RelayProcess.start(db, agencies.url(""), kafka).awaitReady(Duration.ofSeconds(60))) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> flags(db, partner) >= RECORDS);
                assertThat(flags(db, partner)).isEqualTo(RECORDS);
                assertThat(count(db, "SELECT count(DISTINCT idempotency_key) FROM flags WHERE reported_by = 'partner:" + partner + "'"))
                        .isEqualTo(RECORDS);
                assertThat(count(db, "SELECT count(*) FROM inbound_events WHERE partner = '" + partner + "'")).isEqualTo(RECORDS);
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
