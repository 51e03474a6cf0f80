package io.alertrelay.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import io.alertrelay.support.JmsBroker;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * JMS as a transport, on a real persistent ActiveMQ broker in the test JVM: signed alerts out to a
 * queue as persistent text messages, signed partner messages in from a queue, through the same seams
 * as Kafka. Standard Webhooks values travel as properties named with '_' for '-' (webhook_id ...).
 */
class JmsTransportTest {

    private static JmsBroker broker;
    private static TestRelay relay;

    @BeforeAll
    static void startRelayOnActiveMq() {
        broker = JmsBroker.start();
        relay = TestRelay.start(Map.of(
                "relay.jms.broker-url", broker.url(),
                "relay.jms.send-timeout-ms", "3000",
                "relay.partners.sync-ms", "500",
                "relay.partners.retry-delay-ms", "200",
                "relay.partners.retry-max-delay-ms", "1000",
                // a broker outage outlasts the default test schedule (0.3 s, 0.6 s)
                "relay.delivery.retry-schedule", "PT1S,PT1S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S,PT2S"));
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static String name(String stem) {
        return stem + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The Standard Webhooks headers of a message, under their HTTP names, for the reference verifier. */
    private static Map<String, List<String>> signedHeaders(JmsBroker.Received m) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("webhook-id", List.of(m.property("webhook_id")));
        headers.put("webhook-timestamp", List.of(m.property("webhook_timestamp")));
        headers.put("webhook-signature", List.of(m.property("webhook_signature")));
        return headers;
    }

    // ------------------------------------------------------------------ out

    @Test
    void flagReachesAJmsAgencyAsAPersistentSignedTextMessage() throws Exception {
        String queue = name("alerts.nafdac");
        HttpResponse<String> registered = relay.postJson("/api/admin/management/webhooks/NAFDAC/register",
                "{\"webhookUrl\":\"jms:queue:" + queue + "\",\"customHeaders\":{\"X-Agency-Token\":\"t-1\"}}");
        assertThat(registered.statusCode()).as(registered.body()).isIn(200, 201);
        String secret = relay.json(registered).get("secret").asText();

        HttpResponse<String> flag = relay.postJson("/api/codes/DEMO-DRUG-0042/flag",
                "{\"reason\":\"counterfeit\",\"severity\":\"high\",\"note\":\"via jms\"}");
        assertThat(flag.statusCode()).as(flag.body()).isEqualTo(202);
        String flagId = relay.json(flag).get("flagId").asText();

        List<JmsBroker.Received> messages = broker.receive(queue, 1, Duration.ofSeconds(30));
        assertThat(messages).hasSize(1);
        JmsBroker.Received m = messages.get(0);
        assertThat(m.persistent()).isTrue();
        // a third-party Standard Webhooks verifier accepts the message as it is
        new Webhook(secret).verify(m.body(), signedHeaders(m));
        JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(m.body());
        assertThat(body.get("type").asText()).isEqualTo("code.flagged");
        assertThat(body.get("data").get("flagId").asText()).isEqualTo(flagId);
        assertThat(m.property("X_Correlation_Id")).isNotBlank();
        assertThat(m.property("X_Agency_Token")).isEqualTo("t-1");

        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(relay.queryValue(
                "SELECT status FROM deliveries WHERE flag_id = ?::uuid", flagId)));
        assertThat(relay.get("/observe/metrics").body()).contains("relay_transport_sends_total{outcome=\"delivered\","
                + "target=\"jms:queue:" + queue + "\",transport=\"jms\"}");
    }

    @Test
    void aJmsTargetCannotNameItsOwnBrokerOrOptions() {
        for (String target : List.of("jms:queue:alerts?brokerURL=tcp://evil.example.org:61616",
                "jms:queue:a?connectionFactory=#other", "jms:topic:a?username=x", "jms:alerts", "jms:queue:",
                "jms:temp-queue:x", "jms:queue:{{relay.db.password}}", "jms:queue:${header.x}", "jms:queue:a b")) {
            HttpResponse<String> r = relay.postJson("/api/admin/management/webhooks/FIRS/register",
                    "{\"webhookUrl\":\"" + target.replace("\"", "\\\"") + "\"}");
            assertThat(r.statusCode()).as(target + " -> " + r.body()).isEqualTo(400);
            assertThat(r.body()).contains("\"error\"");
            HttpResponse<String> s = relay.postJson("/api/admin/subscriptions",
                    "{\"name\":\"j-" + UUID.randomUUID().toString().substring(0, 6) + "\",\"eventType\":\"shipment.x\","
                            + "\"target\":\"" + target.replace("\"", "\\\"") + "\"}");
            assertThat(s.statusCode()).as(target + " -> " + s.body()).isEqualTo(400);
        }
        HttpResponse<String> topic = relay.postJson("/api/admin/subscriptions",
                "{\"name\":\"j-" + UUID.randomUUID().toString().substring(0, 6) + "\",\"eventType\":\"shipment.x\","
                        + "\"target\":\"jms:topic:shipments.events\"}");
        assertThat(topic.statusCode()).as(topic.body()).isEqualTo(201);
    }

    @Test
    void aDeliveryRefusedWhileTheBrokerIsDownArrivesOnceItIsBack() throws Exception {
        String queue = name("alerts.outage");
        TestAgencies.Agency agency = TestAgencies.create(relay, "jms:queue:" + queue);
        broker.stop();
        UUID delivery;
        try {
            delivery = TestAgencies.enqueue(relay, agency, "high");
            // refused sends are attempts: logged, retried, rescheduled
            await().atMost(Duration.ofSeconds(40)).until(() -> TestAgencies.count(relay,
                    "SELECT count(*) FROM webhook_logs WHERE delivery_id = ? AND outcome = 'network_error'", delivery) >= 1);
            assertThat(TestAgencies.status(relay, delivery)).isEqualTo("pending");
        } finally {
            broker.startAgain();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> "delivered".equals(TestAgencies.status(relay, delivery)));
        List<JmsBroker.Received> messages = broker.receive(queue, 1, Duration.ofSeconds(20));
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).property("webhook_id")).isEqualTo(delivery.toString());
        new Webhook(agency.secret()).verify(messages.get(0).body(), signedHeaders(messages.get(0)));
    }

    // ------------------------------------------------------------------ in

    /** A JMS partner registered through the admin API: its name, queue and secret. */
    record Partner(String name, String queue, String secret) {
    }

    private static Partner jmsPartner() {
        String name = "jp-" + UUID.randomUUID().toString().substring(0, 8);
        String queue = "partners." + name;
        HttpResponse<String> r = relay.postJson("/api/admin/partners",
                "{\"name\":\"" + name + "\",\"transport\":\"jms\",\"source\":\"queue:" + queue + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode created = relay.json(r);
        assertThat(created.get("transport").asText()).isEqualTo("jms");
        assertThat(created.get("source").asText()).isEqualTo("queue:" + queue);
        return new Partner(name, queue, created.get("secret").asText());
    }

    private static String scan(String code) {
        return "{\"type\":\"scan.counterfeit_detected\",\"timestamp\":\"" + Instant.now() + "\",\"data\":{\"code\":\""
                + code + "\",\"severity\":\"high\"}}";
    }

    /** Sends {@code body} as the partner would: signed with its secret, the Standard Webhooks values as properties. */
    private static void publish(Partner partner, String webhookId, String body, String secret) throws Exception {
        long now = Instant.now().getEpochSecond();
        broker.send(partner.queue(), body, Map.of("webhook_id", webhookId, "webhook_timestamp", String.valueOf(now),
                "webhook_signature", new Webhook(secret).sign(webhookId, now, body)));
    }

    private static long flagsOf(Partner partner) {
        return TestAgencies.count(relay, "SELECT count(*) FROM flags WHERE reported_by = ?", "partner:" + partner.name());
    }

    @Test
    void aSignedPartnerMessageBecomesAFlagThatReachesTheAgency() throws Exception {
        Partner partner = jmsPartner();
        String webhookId = "msg_" + UUID.randomUUID();
        publish(partner, webhookId, scan("DEMO-FOOD-0007"), partner.secret());

        await().atMost(Duration.ofSeconds(30)).until(() -> flagsOf(partner) == 1);
        Object flagId = relay.queryValue("SELECT id FROM flags WHERE idempotency_key = ?",
                "partner:" + partner.name() + ":" + webhookId);
        assertThat(relay.queryValue("SELECT outcome FROM inbound_events WHERE partner = ? AND webhook_id = ?",
                partner.name(), webhookId)).isEqualTo("flag");
        // food goes to FIRS, which the demo data registers to the built-in demo receiver
        await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(relay.queryValue(
                "SELECT d.status FROM deliveries d JOIN agencies a ON a.id = d.agency_id WHERE d.flag_id = ? AND a.name = 'FIRS'",
                flagId)));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode shown = relay.json(relay.get("/api/admin/partners/" + partner.name()));
            assertThat(shown.get("transport").asText()).isEqualTo("jms");
            assertThat(shown.get("lastReceivedAt").isNull()).isFalse();
            assertThat(shown.get("consumer").get("state").asText()).isEqualTo("Started");
            assertThat(shown.get("consumer").get("lag").asLong()).as("queue depth").isZero();
        });
        await().atMost(Duration.ofSeconds(15)).until(() -> relay.get("/observe/metrics").body()
                .contains("relay_partner_consumer_lag{partner=\"" + partner.name() + "\",source=\"queue:" + partner.queue()
                        + "\",transport=\"jms\"}"));
        assertThat(relay.get("/observe/health/ready?data=true").body()).contains("partner." + partner.name());
    }

    @Test
    void theSameMessageTwiceMakesOneFlag() throws Exception {
        Partner partner = jmsPartner();
        String webhookId = "msg_" + UUID.randomUUID();
        String body = scan("DEMO-DRUG-0077");
        publish(partner, webhookId, body, partner.secret());
        publish(partner, webhookId, body, partner.secret());
        publish(partner, "msg_" + UUID.randomUUID(), scan("DEMO-DRUG-0078"), partner.secret());

        await().atMost(Duration.ofSeconds(30)).until(() -> flagsOf(partner) == 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> TestAgencies.count(relay,
                "SELECT count(*) FROM inbound_events WHERE partner = ?", partner.name()) == 2);
        assertThat(TestAgencies.count(relay, "SELECT count(*) FROM flags WHERE idempotency_key = ?",
                "partner:" + partner.name() + ":" + webhookId)).isEqualTo(1);
        assertThat(broker.receive(partner.queue(), 1, Duration.ofSeconds(2))).as("everything acknowledged").isEmpty();
    }

    @Test
    void aPoisonMessageGoesToTheDeadLetterQueueAndTheNextOneIsProcessed() throws Exception {
        Partner partner = jmsPartner();
        String bad = "msg_" + UUID.randomUUID();
        publish(partner, bad, scan("DEMO-DRUG-0101"), "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
        String notJson = "msg_" + UUID.randomUUID();
        publish(partner, notJson, "this is not json", partner.secret());
        String unknownCode = "msg_" + UUID.randomUUID();
        publish(partner, unknownCode, scan("NO-SUCH-CODE-4711"), partner.secret());
        String nul = "msg_" + UUID.randomUUID();
        publish(partner, nul, scan("DEMO-DRUG-0103\\u0000"), partner.secret());
        String good = "msg_" + UUID.randomUUID();
        publish(partner, good, scan("DEMO-DRUG-0102"), partner.secret());

        await().atMost(Duration.ofSeconds(30)).until(() -> flagsOf(partner) == 1);
        List<JmsBroker.Received> dead = broker.receive(partner.queue() + ".DLQ", 4, Duration.ofSeconds(30));
        assertThat(dead).hasSize(4);
        Map<String, String> reasons = new LinkedHashMap<>();
        dead.forEach(m -> reasons.put(m.property("webhook_id"), m.property("relay_error")));
        assertThat(reasons.get(bad)).startsWith("401");
        assertThat(reasons.get(notJson)).startsWith("400").contains("not JSON");
        assertThat(reasons.get(unknownCode)).startsWith("404");
        assertThat(reasons.get(nul)).startsWith("400 data.code contains a NUL character");
        assertThat(dead).anySatisfy(m -> assertThat(m.body()).isEqualTo("this is not json"));
        assertThat(dead).allSatisfy(m -> assertThat(m.property("relay_partner")).isEqualTo(partner.name()));
        assertThat(TestAgencies.count(relay, "SELECT count(*) FROM flags WHERE idempotency_key = ?",
                "partner:" + partner.name() + ":" + good)).isEqualTo(1);
    }

    @Test
    void aJmsPartnerNeedsAQueueWithoutOptions() {
        for (String source : List.of("topic:partners.x", "partners.x", "queue:a?brokerURL=tcp://evil:61616", "queue:")) {
            HttpResponse<String> r = relay.postJson("/api/admin/partners",
                    "{\"name\":\"jp-bad-" + UUID.randomUUID().toString().substring(0, 6) + "\",\"transport\":\"jms\",\"source\":\""
                            + source + "\"}");
            assertThat(r.statusCode()).as(source + " -> " + r.body()).isEqualTo(400);
            assertThat(r.body()).contains("source");
        }
    }
}
