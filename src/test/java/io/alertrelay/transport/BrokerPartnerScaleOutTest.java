package io.alertrelay.transport;

import com.standardwebhooks.Webhook;
import io.alertrelay.ops.Prometheus;
import io.alertrelay.support.JmsBroker;
import io.alertrelay.support.KafkaBroker;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances on one database and one broker share a broker partner's messages: a Kafka topic's
 * partitions through the consumer group, a JMS queue as competing consumers. Each takes a share, and
 * every message becomes exactly one flag.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokerPartnerScaleOutTest {

    private static final int MESSAGES = 200;

    private KafkaBroker kafka;
    private JmsBroker jms;
    private TestRelay first;
    private TestRelay second;

    @BeforeAll
    void startTwoInstances() {
        kafka = KafkaBroker.shared();
        jms = JmsBroker.start();
        Map<String, String> settings = Map.of(
                "relay.kafka.brokers", kafka.bootstrapServers(),
                "relay.jms.broker-url", jms.url(),
                "relay.partners.sync-ms", "500",
                "relay.kafka.max-poll-records", "10",
                "relay.http.client-rate-limit.per-minute", "100000000");
        first = TestRelay.start(settings);
        second = TestRelay.startBeside(first, settings);
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {second, first, jms}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // stopping what is left
            }
        }
    }

    @Test
    void twoInstancesShareAKafkaPartnersPartitions() throws Exception {
        String partner = "scale-k-" + UUID.randomUUID().toString().substring(0, 8);
        String topic = "partners." + partner;
        kafka.createTopic(topic, 4);
        shareOnePartner(partner, "kafka", topic, (name, message) -> kafka.send(topic, message.get("webhook-id"),
                message.get("body"), headers(message)));
    }

    @Test
    void twoInstancesAreCompetingConsumersOfAJmsPartnersQueue() throws Exception {
        String partner = "scale-j-" + UUID.randomUUID().toString().substring(0, 8);
        String queue = "partners." + partner;
        shareOnePartner(partner, "jms", "queue:" + queue,
                (name, message) -> jms.publish("queue:" + queue, message.get("body"), headers(message)));
    }

    private static Map<String, String> headers(Map<String, String> message) {
        Map<String, String> h = new LinkedHashMap<>(message);
        h.remove("body");
        return h;
    }

    private void shareOnePartner(String partner, String transport, String source,
                                 BiConsumer<String, Map<String, String>> publish) throws Exception {
        var created = first.postJson("/api/admin/partners",
                "{\"name\":\"" + partner + "\",\"transport\":\"" + transport + "\",\"source\":\"" + source + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Webhook signer = new Webhook(first.json(created).get("secret").asText());
        String route = "partner-" + transport + "-" + partner;
        // both instances consume before anything is published (the second learns of the partner by its sync)
        for (TestRelay relay : new TestRelay[] {first, second}) {
            await().atMost(Duration.ofSeconds(30)).until(() -> "Started".equals(String.valueOf(
                    relay.app().camel().getRouteController().getRouteStatus(route))));
        }
        if (transport.equals("kafka")) {
            Thread.sleep(3000); // the group's rebalance hands each instance its partitions
        }
        for (int i = 1; i <= MESSAGES; i++) {
            String id = "msg_" + i;
            String body = "{\"type\":\"scan.counterfeit_detected\",\"timestamp\":\"" + Instant.now()
                    + "\",\"data\":{\"code\":\"" + String.format("DEMO-DRUG-%04d", 1 + (i % 400)) + "\",\"severity\":\"high\"}}";
            long now = Instant.now().getEpochSecond();
            publish.accept(partner, Map.of("body", body, "webhook-id", id, "webhook-timestamp", String.valueOf(now),
                    "webhook-signature", signer.sign(id, now, body)));
        }
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                TestAgencies.count(first, "SELECT count(*) FROM flags WHERE reported_by = ?", "partner:" + partner) >= MESSAGES);
        assertThat(TestAgencies.count(first, "SELECT count(*) FROM flags WHERE reported_by = ?", "partner:" + partner))
                .isEqualTo(MESSAGES);
        assertThat(TestAgencies.count(first, "SELECT count(*) FROM inbound_events WHERE partner = ?", partner))
                .isEqualTo(MESSAGES);
        double byFirst = exchanges(first, route);
        double bySecond = exchanges(second, route);
        assertThat(byFirst).as("messages the first instance took").isPositive();
        assertThat(bySecond).as("messages the second instance took").isPositive();
        assertThat(byFirst + bySecond).isGreaterThanOrEqualTo(MESSAGES);
    }

    private static double exchanges(TestRelay relay, String route) {
        return Prometheus.sample(relay.get("/observe/metrics").body(), "camel_exchanges_total",
                "routeId=\"" + route + "\"").orElse(0.0);
    }
}
