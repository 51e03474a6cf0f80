package io.alertrelay.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import io.alertrelay.support.KafkaBroker;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestRelay;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka as a transport, on a real KRaft broker: signed alerts out to a topic, signed partner records
 * in from a topic, through the same steps, guarantees and rules as HTTP.
 */
class KafkaTransportTest extends BrokerPartnerIntakeContract {

    private static KafkaBroker broker;
    private static TestRelay relay;

    @BeforeAll
    static void startRelayOnKafka() {
        broker = KafkaBroker.shared();
        relay = TestRelay.start(Map.of(
                "relay.kafka.brokers", broker.bootstrapServers(),
                "relay.kafka.send-timeout-ms", "3000",
                "relay.partners.sync-ms", "500",
                "relay.partners.retry-delay-ms", "200",
                "relay.partners.retry-max-delay-ms", "1000",
                // a broker outage outlasts the default test schedule (0.3 s, 0.6 s)
                "relay.delivery.retry-schedule", "PT1S,PT1S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S"));
    }

    @AfterAll
    static void stopRelay() {
        if (relay != null) {
            relay.close();
        }
    }

    private static String topic(String stem) {
        return stem + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Map<String, List<String>> signedHeaders(ConsumerRecord<String, String> record) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
            headers.put(name, List.of(header(record, name)));
        }
        return headers;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ out

    @Test
    void flagReachesAKafkaAgencySignedAndKeyedByItsProductCode() throws Exception {
        String topic = topic("alerts.nafdac");
        HttpResponse<String> registered = relay.postJson("/api/admin/management/webhooks/NAFDAC/register",
                "{\"webhookUrl\":\"kafka:" + topic + "\",\"customHeaders\":{\"X-Agency-Token\":\"t-1\"}}");
        assertThat(registered.statusCode()).as(registered.body()).isIn(200, 201);
        String secret = relay.json(registered).get("secret").asText();

        HttpResponse<String> flag = relay.postJson("/api/codes/DEMO-DRUG-0042/flag",
                "{\"reason\":\"counterfeit\",\"severity\":\"high\",\"note\":\"via kafka\"}");
        assertThat(flag.statusCode()).as(flag.body()).isEqualTo(202);
        String flagId = relay.json(flag).get("flagId").asText();

        List<ConsumerRecord<String, String>> records = broker.poll(topic, 1, Duration.ofSeconds(30));
        assertThat(records).hasSize(1);
        ConsumerRecord<String, String> record = records.get(0);
        assertThat(record.key()).isEqualTo("DEMO-DRUG-0042");
        // a third-party Standard Webhooks verifier accepts the record as it is
        new Webhook(secret).verify(record.value(), signedHeaders(record));
        JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(record.value());
        assertThat(body.get("type").asText()).isEqualTo("code.flagged");
        assertThat(body.get("data").get("flagId").asText()).isEqualTo(flagId);
        assertThat(header(record, "X-Correlation-Id")).isNotBlank();
        assertThat(header(record, "X-Agency-Token")).isEqualTo("t-1");
        assertThat(header(record, "webhook-id")).isNotBlank();

        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(relay.queryValue(
                "SELECT status FROM deliveries WHERE flag_id = ?::uuid", flagId)));
        assertThat(relay.queryValue("SELECT count(*) FROM webhook_logs l JOIN deliveries d ON d.id = l.delivery_id "
                + "WHERE d.flag_id = ?::uuid AND l.outcome = 'delivered'", flagId)).isEqualTo(1L);
        assertThat(relay.get("/observe/metrics").body()).contains("relay_transport_sends_total{outcome=\"delivered\","
                + "target=\"kafka:" + topic + "\",transport=\"kafka\"}");
        assertThat(relay.get("/observe/health/ready?data=true").body()).contains("target.kafka:" + topic);
    }

    @Test
    void aKafkaTargetCannotChooseItsOwnBrokersOrOptions() {
        for (String target : List.of("kafka:alerts?brokers=evil.example.org:9092", "kafka:alerts?securityProtocol=PLAINTEXT",
                "kafka:{{relay.db.password}}", "kafka:${header.x}", "kafka:a/b", "kafka:")) {
            HttpResponse<String> r = relay.postJson("/api/admin/management/webhooks/FIRS/register",
                    "{\"webhookUrl\":\"" + target.replace("\"", "\\\"") + "\"}");
            assertThat(r.statusCode()).as(target + " -> " + r.body()).isEqualTo(400);
            assertThat(r.body()).contains("\"error\"");
            HttpResponse<String> s = relay.postJson("/api/admin/subscriptions",
                    "{\"name\":\"k-" + UUID.randomUUID().toString().substring(0, 6) + "\",\"eventType\":\"shipment.x\","
                            + "\"target\":\"" + target.replace("\"", "\\\"") + "\"}");
            assertThat(s.statusCode()).as(target + " -> " + s.body()).isEqualTo(400);
        }
    }

    @Test
    void aDeliveryRefusedWhileTheBrokerIsDownArrivesOnceItIsBack() throws Exception {
        String topic = topic("alerts.outage");
        broker.createTopic(topic, 1);
        TestAgencies.Agency agency = TestAgencies.create(relay, "kafka:" + topic);
        broker.stop();
        UUID delivery;
        try {
            delivery = TestAgencies.enqueue(relay, agency, "high");
            // refused sends are attempts: logged, retried, rescheduled
            await().atMost(Duration.ofSeconds(40)).until(() -> TestAgencies.count(relay,
                    "SELECT count(*) FROM webhook_logs WHERE delivery_id = ? AND outcome = 'network_error'", delivery) >= 1);
            assertThat(TestAgencies.status(relay, delivery)).isEqualTo("pending");
            assertThat(relay.get("/observe/metrics").body()).contains("relay_transport_sends_total{outcome=\"network_error\","
                    + "target=\"kafka:" + topic + "\"");
            assertThat(relay.get("/observe/health").body()).contains("target kafka:" + topic + " last send network_error");
        } finally {
            broker.startAgain();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> "delivered".equals(TestAgencies.status(relay, delivery)));
        List<ConsumerRecord<String, String>> records = broker.poll(topic, 1, Duration.ofSeconds(20));
        assertThat(records).isNotEmpty();
        assertThat(records).allSatisfy(r -> assertThat(header(r, "webhook-id")).isEqualTo(delivery.toString()));
        new Webhook(agency.secret()).verify(records.get(0).value(), signedHeaders(records.get(0)));
    }

    // ------------------------------------------------------------------ in (the shared partner tests: BrokerPartnerIntakeContract)

    @Override
    TestRelay relay() {
        return relay;
    }

    @Override
    String transport() {
        return "kafka";
    }

    @Override
    String newDestination(String partner) {
        String topic = topic("partners." + partner);
        broker.createTopic(topic, 2);
        return topic;
    }

    @Override
    String source(String topic) {
        return topic;
    }

    /** The Standard Webhooks values as record headers, keyed by the webhook id. */
    @Override
    void publish(Partner partner, String webhookId, String body, String secret) throws Exception {
        long now = Instant.now().getEpochSecond();
        broker.send(partner.destination(), webhookId, body, Map.of("webhook-id", webhookId,
                "webhook-timestamp", String.valueOf(now),
                "webhook-signature", new Webhook(secret).sign(webhookId, now, body)));
    }

    @Override
    List<DeadLetter> deadLetters(Partner partner, int count) {
        return broker.poll(partner.destination() + ".dlq", count, Duration.ofSeconds(30)).stream()
                .map(r -> new DeadLetter(header(r, "webhook-id"), header(r, "relay-error"), header(r, "relay-partner"), r.value()))
                .toList();
    }

    /** Every record consumed and its offset committed: lag 0 on every partition. */
    @Override
    void assertAllAcknowledged(Partner partner) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode c = relay.json(relay.get("/api/admin/partners/" + partner.name())).get("consumer");
            return c != null && c.get("lag").isNumber() && c.get("lag").asLong() == 0;
        });
    }

    /** A record header can carry U+0000 (a JMS property cannot): in the webhook id it is poison too. */
    @Test
    void aNulInTheWebhookIdHeaderGoesToTheDeadLettersAndTheNextRecordIsProcessed() throws Exception {
        Partner partner = brokerPartner();
        String nulInId = "msg_\u0000" + UUID.randomUUID();
        publish(partner, nulInId, scan("DEMO-DRUG-0104"), partner.secret());
        String good = "msg_" + UUID.randomUUID();
        publish(partner, good, scan("DEMO-DRUG-0105"), partner.secret());

        await().atMost(Duration.ofSeconds(30)).until(() -> flagsOf(partner) == 1);
        List<DeadLetter> dead = deadLetters(partner, 1);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).webhookId()).isEqualTo(nulInId);
        assertThat(dead.get(0).reason()).startsWith("400 webhook-id contains a NUL character");
    }

    @Test
    void aKafkaPartnerNeedsAValidTopicAndHttpPartnersKeepWorking() {
        HttpResponse<String> noSource = relay.postJson("/api/admin/partners", "{\"name\":\"kp-nosource\",\"transport\":\"kafka\"}");
        assertThat(noSource.statusCode()).isEqualTo(400);
        HttpResponse<String> badTopic = relay.postJson("/api/admin/partners",
                "{\"name\":\"kp-badtopic\",\"transport\":\"kafka\",\"source\":\"a?brokers=evil:9092\"}");
        assertThat(badTopic.statusCode()).isEqualTo(400);
        HttpResponse<String> unknown = relay.postJson("/api/admin/partners",
                "{\"name\":\"kp-unknown\",\"transport\":\"carrier-pigeon\",\"source\":\"x\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("transport");
        HttpResponse<String> http = relay.postJson("/api/admin/partners", "{\"name\":\"hp-" + UUID.randomUUID().toString().substring(0, 6) + "\"}");
        assertThat(http.statusCode()).isEqualTo(201);
        assertThat(relay.json(http).get("transport").asText()).isEqualTo("http");
    }
}
