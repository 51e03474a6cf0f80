package io.alertrelay.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Agency quotas (list, show, validated update) and deliveries (filtered list, replay of failed ones). */
class RateLimitAndDeliveryAdminTest {

    static TestRelay relay;
    static AgencyReceiver receiver;

    @BeforeAll
    static void start() {
        relay = TestRelay.shared();
        receiver = new AgencyReceiver();
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    @Test
    void rateLimitsAreListedShownAndUpdated() {
        TestAgencies.Agency agency = TestAgencies.create(relay, receiver.url("/rl"), 10, 100);
        JsonNode all = relay.json(relay.requestJson("GET", "/api/admin/management/rate-limits", null));
        assertThat(all.isArray()).isTrue();
        assertThat(all.findValuesAsText("agency")).contains("NAFDAC", "FIRS", agency.name());

        String path = "/api/admin/management/rate-limits/" + agency.name();
        JsonNode one = relay.json(relay.requestJson("GET", path, null));
        assertThat(one.get("alertsPerHour").asInt()).isEqualTo(10);
        assertThat(one.get("alertsPerDay").asInt()).isEqualTo(100);
        assertThat(one.has("hourCount")).isTrue();
        assertThat(one.has("throttledUntil")).isTrue();

        HttpResponse<String> put = relay.requestJson("PUT", path, "{\"alertsPerHour\":50,\"alertsPerDay\":500}");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(relay.json(put).get("alertsPerHour").asInt()).isEqualTo(50);
        assertThat(relay.queryValue("SELECT alerts_per_day FROM agency_rate_limits WHERE agency_id = ?", agency.id()))
                .isEqualTo(500);
    }

    @Test
    void rateLimitUpdateRefusesBadInput() {
        TestAgencies.Agency agency = TestAgencies.create(relay, receiver.url("/rl"), 10, 100);
        String path = "/api/admin/management/rate-limits/" + agency.name();
        Map<String, String> cases = Map.of(
                "{\"alertsPerHour\":5}", "alertsPerDay: required",
                "{\"alertsPerHour\":-1,\"alertsPerDay\":5}", "alertsPerHour: an integer",
                "{\"alertsPerHour\":\"5\",\"alertsPerDay\":5}", "alertsPerHour: an integer",
                "{\"alertsPerHour\":1.5,\"alertsPerDay\":5}", "alertsPerHour: an integer",
                "{\"alertsPerHour\":50,\"alertsPerDay\":5}", "must not exceed alertsPerDay",
                "[1]", "JSON object",
                "{\"alertsPerHour\":", "malformed JSON");
        cases.forEach((body, detail) -> {
            HttpResponse<String> r = relay.requestJson("PUT", path, body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(r.body()).as(body).contains(detail);
        });
        assertThat(relay.requestJson("PUT", "/api/admin/management/rate-limits/NO-SUCH-AGENCY",
                "{\"alertsPerHour\":1,\"alertsPerDay\":1}").statusCode()).isEqualTo(404);
        assertThat(relay.requestJson("GET", "/api/admin/management/rate-limits/NO-SUCH-AGENCY", null).statusCode())
                .isEqualTo(404);
        assertThat(relay.queryValue("SELECT alerts_per_hour FROM agency_rate_limits WHERE agency_id = ?", agency.id()))
                .isEqualTo(10);
    }

    @Test
    void adminBodyWithAFormContentTypeIsRefusedWith415AndABodyWithoutOneIsRead() {
        TestAgencies.Agency agency = TestAgencies.create(relay, receiver.url("/rl-type"), 10, 100);
        String path = "/api/admin/management/rate-limits/" + agency.name();
        String body = "{\"alertsPerHour\":20,\"alertsPerDay\":200}";
        // curl -d sends application/x-www-form-urlencoded: the HTTP server takes such a body as form fields
        HttpResponse<String> form = relay.request("PUT", path, relay.adminToken(), "application/x-www-form-urlencoded", body);
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(form.body()).contains("Content-Type: expected application/json");
        assertThat(relay.queryValue("SELECT alerts_per_hour FROM agency_rate_limits WHERE agency_id = ?", agency.id()))
                .isEqualTo(10);
        HttpResponse<String> untyped = relay.request("PUT", path, relay.adminToken(), null, body);
        assertThat(untyped.statusCode()).as(untyped.body()).isEqualTo(200);
        assertThat(relay.queryValue("SELECT alerts_per_hour FROM agency_rate_limits WHERE agency_id = ?", agency.id()))
                .isEqualTo(20);
    }

    /** An agency that refuses everything with 400 (a permanent failure: the delivery is failed at once). */
    TestAgencies.Agency failingAgency(String path) {
        receiver.byDefault(AgencyReceiver.Reply.status(200));
        return TestAgencies.create(relay, receiver.url(path));
    }

    @Test
    void aFailedDeliveryIsListedAndReplayedUntilDelivered() {
        String path = "/replay-" + UUID.randomUUID();
        TestAgencies.Agency agency = failingAgency(path);
        receiver.thenReply(AgencyReceiver.Reply.status(400));
        UUID id = TestAgencies.enqueue(relay, agency, "high");
        await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(TestAgencies.status(relay, id)));

        JsonNode list = relay.json(relay.requestJson("GET", "/api/admin/deliveries?agency=" + agency.name()
                + "&status=failed&limit=10", null));
        assertThat(list.get("deliveries")).hasSize(1);
        JsonNode d = list.get("deliveries").get(0);
        assertThat(d.get("id").asText()).isEqualTo(id.toString());
        assertThat(d.get("agency").asText()).isEqualTo(agency.name());
        assertThat(d.get("lastHttpStatus").asInt()).isEqualTo(400);
        assertThat(relay.json(relay.requestJson("GET", "/api/admin/deliveries?agency=" + agency.name()
                + "&status=delivered", null)).get("deliveries")).isEmpty();

        HttpResponse<String> retry = relay.requestJson("POST", "/api/admin/deliveries/" + id + "/retry", null);
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(TestAgencies.status(relay, id)));
        assertThat(receiver.receivedAt(path)).hasSize(2);
        assertThat(relay.queryValue("SELECT retry_round FROM deliveries WHERE id = ?", id)).isEqualTo(0);

        HttpResponse<String> again = relay.requestJson("POST", "/api/admin/deliveries/" + id + "/retry", null);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(relay.json(again).get("details").get(0).asText()).contains("delivered");
        assertThat(relay.requestJson("POST", "/api/admin/deliveries/" + UUID.randomUUID() + "/retry", null).statusCode())
                .isEqualTo(404);
        assertThat(relay.requestJson("POST", "/api/admin/deliveries/xyz/retry", null).statusCode()).isEqualTo(400);
        List<JsonNode> audit = AuditLogTest.auditEntries(relay, "/api/admin/deliveries/" + id + "/retry");
        assertThat(audit).anyMatch(e -> e.get("status").asInt() == 200 && e.get("after").get("status").asText().equals("pending"));
        assertThat(audit).anyMatch(e -> e.get("status").asInt() == 409 && e.get("outcome").asText().equals("failure"));
    }

    @Test
    void everyDeliveryFailedSinceATimeIsReplayed() {
        String path = "/replay-all-" + UUID.randomUUID();
        TestAgencies.Agency agency = failingAgency(path);
        Instant before = Instant.now().minusSeconds(1);
        receiver.thenReply(AgencyReceiver.Reply.status(400), AgencyReceiver.Reply.status(400));
        UUID a = TestAgencies.enqueue(relay, agency, "low");
        UUID b = TestAgencies.enqueue(relay, agency, "critical");
        await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(TestAgencies.status(relay, a))
                && "failed".equals(TestAgencies.status(relay, b)));

        HttpResponse<String> r = relay.requestJson("POST", "/api/admin/deliveries/retry?since=" + before
                + "&agency=" + agency.name(), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(relay.json(r).get("replayed").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(TestAgencies.status(relay, a))
                && "delivered".equals(TestAgencies.status(relay, b)));

        assertThat(relay.requestJson("POST", "/api/admin/deliveries/retry", null).statusCode()).isEqualTo(400);
        assertThat(relay.requestJson("POST", "/api/admin/deliveries/retry?since=yesterday", null).statusCode()).isEqualTo(400);
    }

    @Test
    void deliveryListRefusesBadFilters() {
        for (String query : new String[] {"status=lost", "since=noon", "limit=0", "limit=100000"}) {
            HttpResponse<String> r = relay.requestJson("GET", "/api/admin/deliveries?" + query, null);
            assertThat(r.statusCode()).as(query).isEqualTo(400);
            assertThat(relay.json(r).get("details").isArray()).isTrue();
        }
    }
}
