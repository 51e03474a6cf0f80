package io.alertrelay.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestRelay;
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
 * What every broker partner transport must do, the same for each: a signed message becomes a flag
 * that reaches its agency and shows in the partner's consumer view, a repeated message makes one
 * flag, and a message that can never succeed goes to the dead letters with its reason while the
 * next one is processed. A transport's test class says how its partner publishes and where its dead
 * letters are read; the rest is written once, here.
 */
abstract class BrokerPartnerIntakeContract {

    /** A broker partner registered through the admin API: its name, its broker name (topic or queue) and secret. */
    record Partner(String name, String destination, String secret) {
    }

    /** A dead letter as the transport carries it, read back under the HTTP header names. */
    record DeadLetter(String webhookId, String reason, String partner, String body) {
    }

    abstract TestRelay relay();

    /** {@code kafka} or {@code jms}. */
    abstract String transport();

    /** A fresh broker name for a partner, and its {@code source} as the admin API takes it. */
    abstract String newDestination(String partner);

    abstract String source(String destination);

    /** Sends {@code body} as the partner would: signed with {@code secret}, the Standard Webhooks values on the message. */
    abstract void publish(Partner partner, String webhookId, String body, String secret) throws Exception;

    abstract List<DeadLetter> deadLetters(Partner partner, int count) throws Exception;

    /** Nothing of the partner's is left unacknowledged on the broker. */
    abstract void assertAllAcknowledged(Partner partner) throws Exception;

    Partner brokerPartner() {
        String name = transport().charAt(0) + "p-" + UUID.randomUUID().toString().substring(0, 8);
        String destination = newDestination(name);
        HttpResponse<String> r = relay().postJson("/api/admin/partners",
                "{\"name\":\"" + name + "\",\"transport\":\"" + transport() + "\",\"source\":\"" + source(destination) + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode created = relay().json(r);
        assertThat(created.get("transport").asText()).isEqualTo(transport());
        assertThat(created.get("source").asText()).isEqualTo(source(destination));
        return new Partner(name, destination, created.get("secret").asText());
    }

    static String scan(String code) {
        return "{\"type\":\"scan.counterfeit_detected\",\"timestamp\":\"" + Instant.now() + "\",\"data\":{\"code\":\""
                + code + "\",\"severity\":\"high\"}}";
    }

    long flagsOf(Partner partner) {
        return TestAgencies.count(relay(), "SELECT count(*) FROM flags WHERE reported_by = ?", "partner:" + partner.name());
    }

    @Test
    void aSignedPartnerMessageBecomesAFlagThatReachesTheAgency() throws Exception {
        TestRelay relay = relay();
        Partner partner = brokerPartner();
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
            assertThat(shown.get("transport").asText()).isEqualTo(transport());
            assertThat(shown.get("source").asText()).isEqualTo(source(partner.destination()));
            assertThat(shown.get("lastReceivedAt").isNull()).isFalse();
            assertThat(shown.get("consumer").get("state").asText()).isEqualTo("Started");
            assertThat(shown.get("consumer").get("lag").asLong()).as("lag or queue depth").isZero();
        });
        await().atMost(Duration.ofSeconds(15)).until(() -> relay.get("/observe/metrics").body()
                .contains("relay_partner_consumer_lag{partner=\"" + partner.name() + "\",source=\""
                        + source(partner.destination()) + "\",transport=\"" + transport() + "\"}"));
        // the list the dashboard's webhooks view shows carries the consumer too
        JsonNode listed = null;
        for (JsonNode p : relay.json(relay.get("/api/admin/partners")).get("partners")) {
            if (p.get("name").asText().equals(partner.name())) {
                listed = p;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.get("consumer").get("state").asText()).isEqualTo("Started");
        assertThat(relay.get("/observe/health/ready?data=true").body()).contains("partner." + partner.name())
                .contains(source(partner.destination()) + " Started");
    }

    @Test
    void theSameMessageTwiceMakesOneFlag() throws Exception {
        Partner partner = brokerPartner();
        String webhookId = "msg_" + UUID.randomUUID();
        String body = scan("DEMO-DRUG-0077");
        publish(partner, webhookId, body, partner.secret());
        publish(partner, webhookId, body, partner.secret());
        publish(partner, "msg_" + UUID.randomUUID(), scan("DEMO-DRUG-0078"), partner.secret());

        await().atMost(Duration.ofSeconds(30)).until(() -> flagsOf(partner) == 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> TestAgencies.count(relay(),
                "SELECT count(*) FROM inbound_events WHERE partner = ?", partner.name()) == 2);
        assertThat(TestAgencies.count(relay(), "SELECT count(*) FROM flags WHERE idempotency_key = ?",
                "partner:" + partner.name() + ":" + webhookId)).isEqualTo(1);
        assertAllAcknowledged(partner);
    }

    @Test
    void aPoisonMessageGoesToTheDeadLettersAndTheNextOneIsProcessed() throws Exception {
        Partner partner = brokerPartner();
        String bad = "msg_" + UUID.randomUUID();
        publish(partner, bad, scan("DEMO-DRUG-0101"), "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
        String notJson = "msg_" + UUID.randomUUID();
        publish(partner, notJson, "this is not json", partner.secret());
        String unknownCode = "msg_" + UUID.randomUUID();
        publish(partner, unknownCode, scan("NO-SUCH-CODE-4711"), partner.secret());
        // PostgreSQL cannot store U+0000: poison (400), not a retry that would block the messages behind it
        String nul = "msg_" + UUID.randomUUID();
        publish(partner, nul, scan("DEMO-DRUG-0103\\u0000"), partner.secret());
        String good = "msg_" + UUID.randomUUID();
        publish(partner, good, scan("DEMO-DRUG-0102"), partner.secret());

        await().atMost(Duration.ofSeconds(30)).until(() -> flagsOf(partner) == 1);
        List<DeadLetter> dead = deadLetters(partner, 4);
        assertThat(dead).hasSize(4);
        Map<String, String> reasons = new LinkedHashMap<>();
        dead.forEach(d -> reasons.put(d.webhookId(), d.reason()));
        assertThat(reasons.get(bad)).startsWith("401");
        assertThat(reasons.get(notJson)).startsWith("400").contains("not JSON");
        assertThat(reasons.get(unknownCode)).startsWith("404");
        assertThat(reasons.get(nul)).startsWith("400 data.code contains a NUL character");
        assertThat(dead).anySatisfy(d -> assertThat(d.body()).isEqualTo("this is not json"));
        assertThat(dead).allSatisfy(d -> assertThat(d.partner()).isEqualTo(partner.name()));
        assertThat(TestAgencies.count(relay(), "SELECT count(*) FROM flags WHERE idempotency_key = ?",
                "partner:" + partner.name() + ":" + good)).isEqualTo(1);
    }
}
