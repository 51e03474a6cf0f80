package io.alertrelay.transport;

import com.standardwebhooks.Webhook;
import io.alertrelay.db.EmbeddedPostgres;
import io.alertrelay.support.KafkaBroker;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestRelay;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Kafka partner's consumer while PostgreSQL is down: it waits (no record declared poison, no
 * offset committed past what the database holds) and resumes by itself when the database is back,
 * every record becoming a flag exactly once.
 */
class KafkaPartnerDatabaseOutageTest {

    private static KafkaBroker broker;
    private static EmbeddedPostgres database;
    private static Path dataDir;
    private static TestRelay relay;

    @BeforeAll
    static void startRelayOnItsOwnDatabase() throws Exception {
        broker = KafkaBroker.shared();
        dataDir = TestRelay.tempDir().resolve("pg-outage-" + UUID.randomUUID().toString().substring(0, 8));
        database = EmbeddedPostgres.start(dataDir, 0);
        relay = TestRelay.startOn(database.jdbcUrl(), Map.of(
                "relay.kafka.brokers", broker.bootstrapServers(),
                "relay.partners.sync-ms", "500",
                "relay.partners.retry-delay-ms", "200",
                "relay.partners.retry-max-delay-ms", "1000"));
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void whilePostgresIsDownTheConsumerWaitsAndResumesWithEveryRecordOnce() throws Exception {
        String name = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        String topic = "partners." + name;
        broker.createTopic(topic, 1);
        var created = relay.postJson("/api/admin/partners",
                "{\"name\":\"" + name + "\",\"transport\":\"kafka\",\"source\":\"" + topic + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String secret = relay.json(created).get("secret").asText();
        publish(topic, "msg_first", "DEMO-DRUG-0042", secret);
        await().atMost(Duration.ofSeconds(30)).until(() -> flags(name) == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(topic) == 1);

        int port = database.port();
        database.close();
        int during = 12;
        try {
            for (int i = 0; i < during; i++) {
                publish(topic, "msg_down_" + i, "DEMO-FOOD-000" + (i % 9 + 1), secret);
            }
            // the consumer holds its place: nothing committed past what the database has
            Thread.sleep(6000);
            assertThat(committed(topic)).isEqualTo(1);
            assertThat(broker.poll(topic + ".dlq", 1, Duration.ofSeconds(2))).as("nothing declared poison").isEmpty();
        } finally {
            database = EmbeddedPostgres.start(dataDir, port);
        }

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> flags(name) == 1 + during);
        await().atMost(Duration.ofSeconds(20)).until(() -> committed(topic) == 1 + during);
        assertThat(TestAgencies.count(relay, "SELECT count(*) FROM inbound_events WHERE partner = ?", name))
                .isEqualTo(1L + during);
        assertThat(TestAgencies.count(relay, "SELECT count(DISTINCT idempotency_key) FROM flags WHERE reported_by = ?",
                "partner:" + name)).isEqualTo(1L + during);
    }

    private static long flags(String partner) {
        try {
            return TestAgencies.count(relay, "SELECT count(*) FROM flags WHERE reported_by = ?", "partner:" + partner);
        } catch (RuntimeException e) {
            return -1; // the database is still starting
        }
    }

    private static void publish(String topic, String webhookId, String code, String secret) throws Exception {
        String body = "{\"type\":\"scan.counterfeit_detected\",\"timestamp\":\"" + Instant.now()
                + "\",\"data\":{\"code\":\"" + code + "\",\"severity\":\"high\"}}";
        long now = Instant.now().getEpochSecond();
        broker.send(topic, webhookId, body, Map.of("webhook-id", webhookId, "webhook-timestamp", String.valueOf(now),
                "webhook-signature", new Webhook(secret).sign(webhookId, now, body)));
    }

    /** The offset the relay's consumer group committed on the topic's one partition (0 when none). */
    private static long committed(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("alert-relay")
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            OffsetAndMetadata o = offsets.get(new TopicPartition(topic, 0));
            return o == null ? 0 : o.offset();
        }
    }
}
