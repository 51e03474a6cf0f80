package io.alertrelay.transport;

import com.standardwebhooks.Webhook;
import io.alertrelay.db.EmbeddedPostgres;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A broker partner's consumer while PostgreSQL is down: it waits (no message declared poison, nothing
 * acknowledged past what the database holds) and resumes by itself when the database is back, every
 * message becoming a flag exactly once. One subclass per broker transport.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrokerPartnerDatabaseOutage {

    private EmbeddedPostgres database;
    private Path dataDir;
    TestRelay relay;

    /** The relay's broker settings (the broker is up). */
    abstract Map<String, String> brokerSettings();

    /** Prepares the partner's source and answers its registration's {@code transport} and {@code source}. */
    abstract Map<String, String> source(String partner);

    /** Publishes one message as the partner does; {@code headers} are the Standard Webhooks values under their HTTP names. */
    abstract void publish(String source, String webhookId, String body, Map<String, String> headers);

    /** Messages that went to the source's dead-letter topic or queue. */
    abstract int deadLetters(String source);

    /** How many messages of the source the relay has acknowledged, where the broker tells it (else -1). */
    abstract long acknowledged(String source) throws Exception;

    void startRelay() throws Exception {
        dataDir = TestRelay.tempDir().resolve("pg-outage-" + UUID.randomUUID().toString().substring(0, 8));
        database = EmbeddedPostgres.start(dataDir, 0);
        Map<String, String> settings = new HashMap<>(brokerSettings());
        settings.put("relay.partners.sync-ms", "500");
        settings.put("relay.partners.retry-delay-ms", "200");
        settings.put("relay.partners.retry-max-delay-ms", "1000");
        relay = TestRelay.startOn(database.jdbcUrl(), settings);
    }

    @AfterAll
    void stopRelayAndDatabase() {
        if (relay != null) {
            relay.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void whilePostgresIsDownTheConsumerWaitsAndResumesWithEveryMessageOnce() throws Exception {
        startRelay();
        String name = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> source = source(name);
        var created = relay.postJson("/api/admin/partners",
                "{\"name\":\"" + name + "\",\"transport\":\"" + source.get("transport") + "\",\"source\":\""
                        + source.get("source") + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Webhook signer = new Webhook(relay.json(created).get("secret").asText());
        send(signer, source.get("source"), "msg_first", "DEMO-DRUG-0042");
        await().atMost(Duration.ofSeconds(30)).until(() -> flags(name) == 1);

        int port = database.port();
        database.close();
        int during = 12;
        try {
            for (int i = 0; i < during; i++) {
                send(signer, source.get("source"), "msg_down_" + i, "DEMO-FOOD-000" + (i % 9 + 1));
            }
            Thread.sleep(6000);
            // the consumer holds its place: nothing acknowledged past what the database has, nothing poison
            long acknowledged = acknowledged(source.get("source"));
            if (acknowledged >= 0) {
                assertThat(acknowledged).isEqualTo(1);
            }
            assertThat(deadLetters(source.get("source"))).as("nothing declared poison").isZero();
        } finally {
            database = EmbeddedPostgres.start(dataDir, port);
        }

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> flags(name) == 1 + during);
        assertThat(TestAgencies.count(relay, "SELECT count(*) FROM inbound_events WHERE partner = ?", name))
                .isEqualTo(1L + during);
        assertThat(TestAgencies.count(relay, "SELECT count(DISTINCT idempotency_key) FROM flags WHERE reported_by = ?",
                "partner:" + name)).isEqualTo(1L + during);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            long acknowledged = acknowledged(source.get("source"));
            return acknowledged < 0 || acknowledged == 1 + during;
        });
        assertThat(deadLetters(source.get("source"))).isZero();
    }

    private void send(Webhook signer, String source, String webhookId, String code) throws Exception {
        String body = "{\"type\":\"scan.counterfeit_detected\",\"timestamp\":\"" + Instant.now()
                + "\",\"data\":{\"code\":\"" + code + "\",\"severity\":\"high\"}}";
        long now = Instant.now().getEpochSecond();
        publish(source, webhookId, body, Map.of("webhook-id", webhookId, "webhook-timestamp", String.valueOf(now),
                "webhook-signature", signer.sign(webhookId, now, body)));
    }

    private long flags(String partner) {
        try {
            return TestAgencies.count(relay, "SELECT count(*) FROM flags WHERE reported_by = ?", "partner:" + partner);
        } catch (RuntimeException e) {
            return -1; // the database is still starting
        }
    }
}
