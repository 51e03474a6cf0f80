package io.alertrelay.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.AgencyReceiver.Reply;
import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestAgencies.Agency;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/** Delivery to a real HTTP receiver on loopback, on the shared relay (fast retry settings). */
class DeliveryTest {

    private final TestRelay relay = TestRelay.shared();
    private final AgencyReceiver receiver = new AgencyReceiver();

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void signatureVerifiesWithAnIndependentStandardWebhooksVerifier() throws Exception {
        Agency agency = TestAgencies.create(relay, receiver.url("/hooks/alerts"));
        UUID delivery = TestAgencies.enqueue(relay, agency, "high");

        await().atMost(WAIT).until(() -> receiver.received().size() == 1);
        AgencyReceiver.Received got = receiver.received().get(0);
        assertThat(got.header("webhook-id")).isEqualTo(delivery.toString());
        assertThat(Long.parseLong(got.header("webhook-timestamp"))).isCloseTo(Instant.now().getEpochSecond(),
                org.assertj.core.data.Offset.offset(30L));
        assertThat(got.header("webhook-signature")).startsWith("v1,");
        assertThat(got.header("x-relay-agency")).isEqualTo(agency.name());
        assertThat(got.header("x-correlation-id")).isEqualTo("corr-" + delivery);
        assertThat(got.header("x-agency-token")).isEqualTo("token-" + agency.name());
        assertThat(got.header("content-type")).startsWith("application/json");
        Map<String, List<String>> headers = got.signedHeaders();
        assertThatCode(() -> new Webhook(agency.secret()).verify(got.body(), headers)).doesNotThrowAnyException();
        // a tampered body must not verify: the check above can fail
        assertThatCode(() -> new Webhook(agency.secret()).verify(got.body() + " ", headers)).isInstanceOf(Exception.class);

        await().atMost(WAIT).until(() -> "delivered".equals(TestAgencies.status(relay, delivery)));
        assertThat(relay.queryValue("SELECT case_number FROM deliveries WHERE id = ?", delivery)).isEqualTo("CASE-" + delivery);
    }

    @Test
    void flaggedCodeReachesTheAgencyAndTheFlagShowsEachAttempt() throws Exception {
        Agency agency = TestAgencies.create(relay, receiver.url("/agency"));
        try (TestRelay routed = TestRelay.startBeside(relay, Map.of("relay.routing.default-agencies", agency.name()))) {
            String code = Catalogue.newCode(routed, "other");
            JsonNode accepted = routed.json(routed.postJson("/api/codes/" + code + "/flag",
                    "{\"reason\":\"counterfeit\",\"severity\":\"critical\",\"note\":\"e2e\"}"));
            assertThat(accepted.get("agencies").toString()).isEqualTo("[\"" + agency.name() + "\"]");
            String flagId = accepted.get("flagId").asText();

            await().atMost(WAIT).until(() -> receiver.received().size() == 1);
            JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(receiver.received().get(0).body());
            assertThat(body.get("type").asText()).isEqualTo("code.flagged");
            assertThat(body.get("data").get("flagId").asText()).isEqualTo(flagId);
            assertThat(body.get("data").get("code").asText()).isEqualTo(code);
            assertThat(body.get("data").get("category").asText()).isEqualTo("other");
            assertThat(body.get("data").get("manufacturer").get("name").asText()).startsWith("Test maker");
            assertThat(body.get("data").get("product").get("name").asText()).startsWith("Test product");

            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode flag = routed.json(routed.get("/api/flags/" + flagId));
                JsonNode d = flag.get("deliveries").get(0);
                assertThat(d.get("status").asText()).isEqualTo("delivered");
                assertThat(d.get("attempts").asInt()).isEqualTo(1);
                assertThat(d.get("attemptLog")).hasSize(1);
                assertThat(d.get("attemptLog").get(0).get("outcome").asText()).isEqualTo("delivered");
                assertThat(d.get("attemptLog").get(0).get("httpStatus").asInt()).isEqualTo(200);
            });
        }
    }

    @Test
    void serverErrorsAreRetriedUntilDelivered() {
        receiver.thenReply(Reply.status(500), Reply.status(503));
        Agency agency = TestAgencies.create(relay, receiver.url("/flaky"));
        UUID delivery = TestAgencies.enqueue(relay, agency, "medium");

        await().atMost(WAIT).until(() -> "delivered".equals(TestAgencies.status(relay, delivery)));
        assertThat(receiver.received()).hasSize(3);
        assertThat(receiver.received()).extracting(r -> r.header("webhook-id")).containsOnly(delivery.toString());
        assertThat(TestAgencies.count(relay, "SELECT attempts FROM deliveries WHERE id = ?", delivery)).isEqualTo(3);
        assertThat(TestAgencies.count(relay, "SELECT count(*) FROM webhook_logs WHERE delivery_id = ?", delivery)).isEqualTo(3);
        assertThat(relay.queryValue("SELECT string_agg(outcome || ':' || http_status, ',' ORDER BY attempt) "
                + "FROM webhook_logs WHERE delivery_id = ?", delivery))
                .isEqualTo("retryable_failure:500,retryable_failure:503,delivered:200");
    }

    @Test
    void clientErrorFailsAtOnceWithoutRetries() throws Exception {
        receiver.byDefault(Reply.status(400));
        Agency agency = TestAgencies.create(relay, receiver.url("/strict"));
        UUID delivery = TestAgencies.enqueue(relay, agency, "low");

        await().atMost(WAIT).until(() -> "failed".equals(TestAgencies.status(relay, delivery)));
        Thread.sleep(1500); // a wrong retry would show up within the fast test schedule
        assertThat(receiver.received()).hasSize(1);
        assertThat(relay.queryValue("SELECT outcome FROM webhook_logs WHERE delivery_id = ?", delivery)).isEqualTo("permanent_failure");
        // a failed alert is not counted: its reservation goes back (from this instance's allowance within its lifetime)
        await().atMost(WAIT).until(() -> TestAgencies.count(relay,
                "SELECT hour_count FROM agency_rate_limits WHERE agency_id = ?", agency.id()) == 0);
    }

    @Test
    void requestTimeoutIsRetriedNotPermanent() {
        receiver.thenReply(Reply.status(408));
        Agency agency = TestAgencies.create(relay, receiver.url("/slow"));
        UUID delivery = TestAgencies.enqueue(relay, agency, "low");
        await().atMost(WAIT).until(() -> "delivered".equals(TestAgencies.status(relay, delivery)));
        assertThat(receiver.received()).hasSize(2);
    }

    @Test
    void goneDisablesTheWebhookAndTellsTheAdmins() {
        receiver.byDefault(Reply.status(410));
        Agency agency = TestAgencies.create(relay, receiver.url("/gone"));
        UUID delivery = TestAgencies.enqueue(relay, agency, "high");

        await().atMost(WAIT).until(() -> "failed".equals(TestAgencies.status(relay, delivery)));
        // the attempt is recorded (failed) one statement before the webhook is disabled
        await().atMost(WAIT).until(() -> Boolean.FALSE.equals(
                relay.queryValue("SELECT webhook_active FROM agencies WHERE id = ?", agency.id())));
        assertThat(TestAgencies.count(relay, "SELECT count(*) FROM operational_events WHERE event_type = 'webhook.disabled' "
                + "AND agency_id = ?", agency.id())).isEqualTo(1);
        // later alerts wait (pending) instead of being sent to a disabled webhook
        UUID later = TestAgencies.enqueue(relay, agency, "high");
        await().during(Duration.ofMillis(800)).atMost(WAIT).until(() -> "pending".equals(TestAgencies.status(relay, later)));
        assertThat(receiver.received()).hasSize(1);
    }

    @Test
    void tooManyRequestsHonoursRetryAfter() {
        receiver.thenReply(new Reply(429, Map.of("Retry-After", "2"), "{}"));
        Agency agency = TestAgencies.create(relay, receiver.url("/busy"));
        UUID delivery = TestAgencies.enqueue(relay, agency, "high");

        await().atMost(WAIT).until(() -> "delivered".equals(TestAgencies.status(relay, delivery)));
        List<AgencyReceiver.Received> got = receiver.received();
        assertThat(got).hasSize(2);
        assertThat(got.get(1).atMillis() - got.get(0).atMillis()).isGreaterThanOrEqualTo(1900);
        assertThat(relay.queryValue("SELECT outcome FROM webhook_logs WHERE delivery_id = ? AND attempt = 1", delivery))
                .isEqualTo("rate_limited");
    }

    @Test
    void redirectIsAFailureAndIsNotFollowed() {
        receiver.thenReply(new Reply(302, Map.of("Location", receiver.url("/elsewhere")), ""));
        Agency agency = TestAgencies.create(relay, receiver.url("/moved"));
        UUID delivery = TestAgencies.enqueue(relay, agency, "low");

        await().atMost(WAIT).until(() -> "delivered".equals(TestAgencies.status(relay, delivery)));
        assertThat(receiver.receivedAt("/elsewhere")).isEmpty();
        assertThat(relay.queryValue("SELECT http_status FROM webhook_logs WHERE delivery_id = ? AND attempt = 1", delivery))
                .isEqualTo(302);
    }

    @Test
    void exhaustedRetriesEndAsFailedAndTellTheAdmins() {
        receiver.byDefault(Reply.status(500));
        Agency agency = TestAgencies.create(relay, receiver.url("/down"));
        UUID delivery = TestAgencies.enqueue(relay, agency, "critical");

        await().atMost(WAIT).untilAsserted(() -> assertThat(TestAgencies.status(relay, delivery))
                .as(() -> "received " + receiver.received().size() + " row " + relay.queryValue(
                        "SELECT row_to_json(d)::text FROM deliveries d WHERE id = ?", delivery))
                .isEqualTo("failed"));
        // (1 try + 3 redeliveries) for the first run and each of the 2 durable rounds
        assertThat(receiver.received()).hasSize(12);
        assertThat(TestAgencies.count(relay, "SELECT retry_round FROM deliveries WHERE id = ?", delivery)).isEqualTo(2);
        // the event is recorded one statement after the delivery is marked failed
        await().atMost(WAIT).until(() -> TestAgencies.count(relay, "SELECT count(*) FROM operational_events "
                + "WHERE event_type = 'delivery.exhausted' AND delivery_id = ?", delivery) == 1);
        // the unsent reservation went back to this instance's quota allowance, which gives it back within its lifetime
        await().atMost(WAIT).until(() -> TestAgencies.count(relay,
                "SELECT hour_count FROM agency_rate_limits WHERE agency_id = ?", agency.id()) == 0);
    }

    @Test
    void countersRiseOnlyForAlertsActuallySent() {
        Agency agency = TestAgencies.create(relay, receiver.url("/count"), 100, 1000);
        for (int i = 0; i < 3; i++) {
            TestAgencies.enqueue(relay, agency, "low");
        }
        await().atMost(WAIT).until(() -> receiver.received().size() == 3);
        await().atMost(WAIT).until(() -> TestAgencies.count(relay,
                "SELECT count(*) FROM deliveries WHERE agency_id = ? AND status = 'delivered'", agency.id()) == 3);
        assertThat(TestAgencies.count(relay, "SELECT hour_count FROM agency_rate_limits WHERE agency_id = ?", agency.id())).isEqualTo(3);
        assertThat(TestAgencies.count(relay, "SELECT day_count FROM agency_rate_limits WHERE agency_id = ?", agency.id())).isEqualTo(3);
    }

    @Test
    void crashedWorkersLeasedDeliveryIsTakenOverAfterTheLeaseExpires() {
        Agency agency = TestAgencies.create(relay, receiver.url("/takeover"));
        UUID expired = UUID.randomUUID();
        UUID held = UUID.randomUUID();
        for (UUID id : List.of(expired, held)) {
            relay.update("INSERT INTO deliveries (id, agency_id, event_type, payload, correlation_id, lease_owner, lease_until) "
                    + "VALUES (?, ?, 'code.flagged', '{\"type\":\"code.flagged\"}', 'c', 'crashed-instance', "
                    + (id == expired ? "now() - interval '1 second'" : "now() + interval '1 hour'") + ")", id, agency.id());
        }
        await().atMost(WAIT).until(() -> "delivered".equals(TestAgencies.status(relay, expired)));
        assertThat(TestAgencies.status(relay, held)).isEqualTo("pending");
        assertThat(receiver.received()).extracting(r -> r.header("webhook-id")).containsExactly(expired.toString());

        relay.update("UPDATE deliveries SET lease_until = now() - interval '1 second' WHERE id = ?", held);
        await().atMost(WAIT).until(() -> "delivered".equals(TestAgencies.status(relay, held)));
    }

    @Test
    void storedCamelHeadersCannotRedirectTheWebhookPost() {
        Agency agency = TestAgencies.create(relay, receiver.url("/kept-path"));
        relay.update("UPDATE agencies SET custom_headers = ?::jsonb WHERE id = ?",
                "{\"CamelHttpPath\":\"/elsewhere\",\"CamelHttpUri\":\"http://127.0.0.1:9/x\",\"X-Kept\":\"yes\"}", agency.id());
        UUID delivery = TestAgencies.enqueue(relay, agency, "high");

        await().atMost(WAIT).until(() -> "delivered".equals(TestAgencies.status(relay, delivery)));
        assertThat(receiver.receivedAt("/kept-path")).hasSize(1);
        assertThat(receiver.receivedAt("/kept-path").get(0).header("x-kept")).isEqualTo("yes");
        assertThat(receiver.receivedAt("/kept-path/elsewhere")).isEmpty();
    }
}
