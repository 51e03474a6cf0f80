package io.alertrelay.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestRelay;
import io.alertrelay.support.TestSubscriptions;
import io.alertrelay.support.TestSubscriptions.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/** POST /api/events on the shared relay: idempotency, fan-out to subscriptions, signatures, inactive ones skipped. */
class EventRelayTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private final TestRelay relay = TestRelay.shared();
    private final AgencyReceiver receiver = new AgencyReceiver();
    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    private HttpResponse<String> postEvent(String eventId, String type, String payload) {
        return relay.postJson("/api/events", "{\"event_id\":\"" + eventId + "\",\"type\":\"" + type
                + "\",\"payload\":" + payload + "}");
    }

    @Test
    void duplicateEventIdUnderConcurrencyCreatesOneEventAndOneDeliveryPerSubscription() throws Exception {
        String type = TestSubscriptions.uniqueType("concurrent");
        TestSubscriptions.create(relay, type, receiver.url("/concurrent"), true);
        String eventId = "evt-" + UUID.randomUUID();
        int callers = 12;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < callers; i++) {
                Callable<HttpResponse<String>> call = () -> {
                    start.await();
                    return postEvent(eventId, type, "{\"n\":1}");
                };
                answers.add(pool.submit(call));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get();
                statuses.add(r.statusCode());
                assertThat(relay.json(r).get("event_id").asText()).isEqualTo(eventId);
            }
            assertThat(statuses).isSubsetOf(202, 200);
            assertThat(statuses.stream().filter(s -> s == 202).count()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(((Number) relay.queryValue("SELECT count(*) FROM events WHERE event_id = ?", eventId)).longValue()).isEqualTo(1);
        assertThat(((Number) relay.queryValue("SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id "
                + "WHERE e.event_id = ?", eventId)).longValue()).isEqualTo(1);
        await().atMost(WAIT).until(() -> receiver.received().size() == 1);
    }

    @Test
    void repeatAnswers200WithTheOriginalAndCreatesNothing() {
        String type = TestSubscriptions.uniqueType("repeat");
        TestSubscriptions.create(relay, type, receiver.url("/repeat"), true);
        String eventId = "evt-" + UUID.randomUUID();
        HttpResponse<String> first = postEvent(eventId, type, "{\"order\":42}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        HttpResponse<String> again = postEvent(eventId, "some.other.type", "{\"order\":43}");
        assertThat(again.statusCode()).isEqualTo(200);
        JsonNode original = relay.json(again);
        assertThat(original.get("status").asText()).isEqualTo("duplicate");
        assertThat(original.get("type").asText()).isEqualTo(type);
        assertThat(original.get("payload").get("order").asInt()).isEqualTo(42);
        assertThat(original.get("deliveries")).hasSize(1);
        assertThat(((Number) relay.queryValue("SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id "
                + "WHERE e.event_id = ?", eventId)).longValue()).isEqualTo(1);
    }

    @Test
    void eventFansOutToEveryActiveSubscriptionWithSignaturesEachSubscriberVerifies() throws Exception {
        String type = TestSubscriptions.uniqueType("fanout");
        Subscription a = TestSubscriptions.create(relay, type, receiver.url("/a"), true);
        Subscription b = TestSubscriptions.create(relay, type, receiver.url("/b"), true);
        Subscription all = TestSubscriptions.create(relay, "*", receiver.url("/all"), true);
        Subscription inactive = TestSubscriptions.create(relay, type, receiver.url("/inactive"), false);
        Subscription otherType = TestSubscriptions.create(relay, type + ".other", receiver.url("/other"), true);
        try {
            String eventId = "evt-" + UUID.randomUUID();
            HttpResponse<String> r = postEvent(eventId, type, "{\"shipment\":\"SH-1\",\"count\":3}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(relay.json(r).get("deliveries")).hasSize(3);

            await().atMost(WAIT).until(() -> receiver.received().size() >= 3);
            Map<String, Subscription> byPath = Map.of("/a", a, "/b", b, "/all", all);
            for (AgencyReceiver.Received got : receiver.received()) {
                Subscription s = byPath.get(got.header(":path"));
                assertThat(s).as("delivered to " + got.header(":path")).isNotNull();
                Map<String, List<String>> headers = got.signedHeaders();
                assertThatCode(() -> new Webhook(s.secret()).verify(got.body(), headers)).doesNotThrowAnyException();
                // another subscriber's secret must not verify it: the check above can fail
                Subscription other = s == a ? b : a;
                assertThatCode(() -> new Webhook(other.secret()).verify(got.body(), headers)).isInstanceOf(Exception.class);
                assertThat(got.header("x-subscriber-token")).isEqualTo("token-" + s.name());
                JsonNode body = json.readTree(got.body());
                assertThat(body.get("type").asText()).isEqualTo(type);
                assertThat(body.get("eventId").asText()).isEqualTo(eventId);
                assertThat(body.get("data").get("shipment").asText()).isEqualTo("SH-1");
            }
            assertThat(receiver.received()).extracting(x -> x.header(":path")).containsExactlyInAnyOrder("/a", "/b", "/all");

            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode shown = relay.json(relay.get("/api/events/" + eventId));
                assertThat(shown.get("deliveries")).hasSize(3);
                shown.get("deliveries").forEach(d -> {
                    assertThat(d.get("status").asText()).isEqualTo("delivered");
                    assertThat(d.get("attemptLog").get(0).get("outcome").asText()).isEqualTo("delivered");
                });
            });
            assertThat(receiver.receivedAt("/inactive")).isEmpty();
            assertThat(receiver.receivedAt("/other")).isEmpty();

            // switched off through the API: the next event skips it at once (the cache is invalidated)
            assertThat(TestSubscriptions.patch(relay, b.id(), "{\"active\":false}").statusCode()).isEqualTo(200);
            HttpResponse<String> next = postEvent("evt-" + UUID.randomUUID(), type, "{}");
            assertThat(relay.json(next).get("deliveries")).hasSize(2);
        } finally {
            TestSubscriptions.delete(relay, all.id());
        }
        assertThat(relay.get("/api/admin/subscriptions/" + all.id()).statusCode()).isEqualTo(404);
        assertThat(inactive.id()).isNotEqualTo(otherType.id());
    }

    @Test
    void subscriptionLinkedToAnAgencyCountsAgainstThatAgencysQuota() {
        TestAgencies.Agency full = TestAgencies.create(relay, receiver.url("/agency-itself"), 0, 0);
        String type = TestSubscriptions.uniqueType("quota");
        HttpResponse<String> created = relay.postJson("/api/admin/subscriptions", "{\"name\":\"quota-" + UUID.randomUUID()
                + "\",\"eventType\":\"" + type + "\",\"target\":\"" + receiver.url("/linked") + "\",\"agency\":\""
                + full.name() + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(relay.json(created).get("agency").asText()).isEqualTo(full.name());
        String eventId = "evt-" + UUID.randomUUID();
        postEvent(eventId, type, "{}");
        await().atMost(WAIT).untilAsserted(() -> assertThat(relay.json(relay.get("/api/events/" + eventId))
                .get("deliveries").get(0).get("status").asText()).isEqualTo("throttled"));
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void goneSubscriptionTargetIsSwitchedOffAndAdminsAreTold() {
        receiver.byDefault(AgencyReceiver.Reply.status(410));
        String type = TestSubscriptions.uniqueType("gone");
        Subscription gone = TestSubscriptions.create(relay, type, receiver.url("/gone"), true);
        postEvent("evt-" + UUID.randomUUID(), type, "{}");
        await().atMost(WAIT).untilAsserted(() -> assertThat(
                relay.json(relay.get("/api/admin/subscriptions/" + gone.id())).get("active").asBoolean()).isFalse());
        assertThat(receiver.received()).hasSize(1);
        assertThat(relay.queryValue("SELECT count(*) FROM operational_events WHERE event_type = 'webhook.disabled' "
                + "AND detail->>'agency' = ?", "subscription:" + gone.name())).isEqualTo(1L);
        // switched off: the next event has nobody to go to
        assertThat(relay.json(postEvent("evt-" + UUID.randomUUID(), type, "{}")).get("deliveries")).isEmpty();
    }

    @Test
    void badEventsAreRefusedWithJsonErrors() {
        HttpResponse<String> missing = relay.postJson("/api/events", "{\"type\":\"x.y\"}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(relay.json(missing).get("details").toString()).contains("event_id").contains("payload");
        assertThat(relay.postJson("/api/events", "{\"event_id\":\"e\",\"type\":\"*\",\"payload\":{}}").statusCode()).isEqualTo(400);
        assertThat(relay.postJson("/api/events", "[1]").statusCode()).isEqualTo(400);
        assertThat(relay.postJson("/api/events", "{not json").statusCode()).isEqualTo(400);
        assertThat(relay.post("/api/events", "text/plain", "hi").statusCode()).isEqualTo(415);
        HttpResponse<String> unknown = relay.get("/api/events/no-such-event-" + UUID.randomUUID());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(relay.json(unknown).get("error").asText()).isEqualTo("unknown event");
    }

    @Test
    void subscriptionTargetsOutsideTheAllowListAreRefused() {
        for (String target : List.of("ftp://example.org/x", "kafka:orders", "exec:rm", "no-scheme", "file:{{relay.secrets.master-key}}")) {
            HttpResponse<String> r = relay.postJson("/api/admin/subscriptions",
                    "{\"name\":\"bad-" + UUID.randomUUID() + "\",\"eventType\":\"x.y\",\"target\":\"" + target + "\"}");
            assertThat(r.statusCode()).as(target).isEqualTo(400);
            assertThat(relay.json(r).get("details").toString()).as(target).contains("target");
        }
        HttpResponse<String> reserved = relay.postJson("/api/admin/subscriptions",
                "{\"name\":\"bad-" + UUID.randomUUID() + "\",\"eventType\":\"x.y\",\"target\":\"https://example.org\","
                        + "\"customHeaders\":{\"webhook-signature\":\"forged\"}}");
        assertThat(reserved.statusCode()).isEqualTo(400);
        assertThat(relay.get("/api/admin/subscriptions").body()).doesNotContain("whsec_").doesNotContain("secret_enc");
    }
}
