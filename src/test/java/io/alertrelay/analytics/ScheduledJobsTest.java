package io.alertrelay.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestAgencies.Agency;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/** The scheduled jobs run on demand on the shared relay: hourly release, weekly digest, admin input checks. */
class ScheduledJobsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final TestRelay relay = TestRelay.shared();
    private final AgencyReceiver receiver = new AgencyReceiver();
    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    private JsonNode run(String job) {
        HttpResponse<String> r = relay.postJson("/api/admin/jobs/" + job + "/run", "{}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = relay.json(r);
        assertThat(body.path("outcome").asText()).isEqualTo("ok");
        return body;
    }

    @Test
    void hourlyJobAfterQuotaExhaustionReleasesDeferredAlertsMostSevereFirstAndTheyArrive() {
        Agency agency = TestAgencies.create(relay, receiver.url("/hourly"), 1, 1000);
        UUID first = TestAgencies.enqueue(relay, agency, "low");
        await().atMost(WAIT).until(() -> "delivered".equals(TestAgencies.status(relay, first)));
        UUID low = TestAgencies.enqueue(relay, agency, "low");
        UUID critical = TestAgencies.enqueue(relay, agency, "critical");
        UUID high = TestAgencies.enqueue(relay, agency, "high");
        for (UUID id : List.of(low, critical, high)) {
            await().atMost(WAIT).until(() -> "throttled".equals(TestAgencies.status(relay, id)));
        }
        assertThat(receiver.received()).hasSize(1);

        // each hourly run frees one slot of this agency: the most severe waiting alert goes first
        List<UUID> order = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            JsonNode result = run("hourly").path("result");
            assertThat(result.path("deferredReleased").asInt()).isGreaterThanOrEqualTo(1);
            int expected = round + 2;
            await().atMost(WAIT).until(() -> receiver.received().size() == expected);
            order.add(UUID.fromString(receiver.received().get(expected - 1).header("webhook-id")));
            await().atMost(WAIT).until(() -> TestAgencies.count(relay,
                    "SELECT count(*) FROM deliveries WHERE agency_id = ? AND status = 'delivered'", agency.id()) == expected);
        }
        assertThat(order).containsExactly(critical, high, low);
        assertThat(TestAgencies.count(relay, "SELECT count(*) FROM scheduled_job_runs WHERE job = 'hourly' "
                + "AND triggered_by = 'admin' AND outcome = 'ok'")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void weeklyDigestSendsTheWeeksFlagsInSignedChunksOfTenAndMarksThemDigested() throws Exception {
        Agency agency = TestAgencies.create(relay, receiver.url("/digest"));
        Set<String> flags = new HashSet<>();
        String[] severities = {"low", "medium", "high", "critical"};
        for (int i = 0; i < 23; i++) {
            String code = i % 5 == 0 || flags.isEmpty() ? Catalogue.newCode(relay, "drugs") : null;
            String onCode = code != null ? code : (String) relay.queryValue(
                    "SELECT pc.code FROM flags f JOIN product_codes pc ON pc.id = f.code_id WHERE f.id = ?::uuid",
                    flags.iterator().next());
            UUID flag = Fixtures.flag(relay, onCode, severities[i % 4], "counterfeit", OffsetDateTime.now().minusHours(i));
            Fixtures.told(relay, agency, flag, "delivered", OffsetDateTime.now().minusHours(i));
            flags.add(flag.toString());
        }
        // an old flag (outside the week) is not in this digest
        UUID old = Fixtures.flag(relay, Catalogue.newCode(relay, "food"), "high", "expired", OffsetDateTime.now().minusDays(8));
        Fixtures.told(relay, agency, old, "delivered", OffsetDateTime.now().minusDays(8));

        JsonNode result = run("weekly-digest").path("result");
        assertThat(result.path("agencies").path(agency.name()).path("flags").asInt()).isEqualTo(23);
        assertThat(result.path("agencies").path(agency.name()).path("messages").asInt()).isEqualTo(3);
        await().atMost(WAIT).until(() -> receiver.received().size() == 3);

        List<Integer> sizes = new ArrayList<>();
        Set<String> digested = new HashSet<>();
        for (AgencyReceiver.Received got : receiver.received()) {
            Map<String, List<String>> headers = got.signedHeaders();
            assertThatCode(() -> new Webhook(agency.secret()).verify(got.body(), headers)).doesNotThrowAnyException();
            JsonNode body = json.readTree(got.body());
            assertThat(body.path("type").asText()).isEqualTo("digest.weekly");
            assertThat(body.path("data").path("agency").asText()).isEqualTo(agency.name());
            assertThat(body.path("data").path("chunks").asInt()).isEqualTo(3);
            assertThat(body.path("data").path("totalFlags").asInt()).isEqualTo(23);
            sizes.add(body.path("data").path("chunk").asInt() * 100 + body.path("data").path("flags").size());
            body.path("data").path("flags").forEach(f -> digested.add(f.path("flagId").asText()));
        }
        // chunk 1 and 2 carry ten flags, chunk 3 the last three
        assertThat(sizes).containsExactlyInAnyOrder(110, 210, 303);
        assertThat(digested).isEqualTo(flags);
        assertThat(TestAgencies.count(relay, "SELECT count(*) FROM flag_digests WHERE agency_id = ?", agency.id())).isEqualTo(23);
        // digests went through the quota like any alert: the counters count the three messages sent
        await().atMost(WAIT).until(() -> TestAgencies.count(relay,
                "SELECT day_count FROM agency_rate_limits WHERE agency_id = ?", agency.id()) == 3);

        // the flags are marked digested: another run sends this agency nothing more
        JsonNode again = run("weekly-digest").path("result");
        assertThat(again.path("agencies").has(agency.name())).isFalse();
        assertThat(TestAgencies.count(relay, "SELECT count(*) FROM deliveries WHERE agency_id = ? AND event_type = 'digest.weekly'",
                agency.id())).isEqualTo(3);
    }

    @Test
    void unknownJobsAndBadParametersAnswerJsonErrors() {
        assertError(relay.postJson("/api/admin/jobs/reboot-the-world/run", "{}"), 404);
        assertError(relay.postJson("/api/admin/jobs/midnight/run?date=yesterday", "{}"), 400);
        assertError(relay.postJson("/api/admin/jobs/month-end-report/run?month=2026-13", "{}"), 400);
        assertError(relay.get("/api/admin/analytics/category-history?days=0"), 400);
        assertError(relay.get("/api/admin/analytics/agencies?days=abc"), 400);
        assertError(relay.get("/api/admin/analytics/agencies?days=367"), 400);
        assertError(relay.get("/api/admin/analytics/manufacturers?category=toys"), 400);
        assertError(relay.get("/api/admin/analytics/manufacturers?limit=-1"), 400);
        assertError(relay.get("/api/admin/analytics/agencies/NO-SUCH-AGENCY"), 404);
        assertError(relay.get("/api/admin/reports/1999-01.csv"), 404);
        assertError(relay.get("/api/admin/reports/1999-01.pdf"), 404);
        assertError(relay.get("/api/admin/reports/latest"), 404);
        assertThat(relay.get("/api/admin/analytics/agencies?days=7").statusCode()).isEqualTo(200);
    }

    @Test
    void housekeepingRunsWhetherOrNotTheRawEventsTableExists() {
        JsonNode deleted = run("housekeeping").path("result").path("deleted");
        assertThat(deleted.has("rawInboundEvents")).isTrue();
        assertThat(deleted.path("webhookLogs").asLong()).isGreaterThanOrEqualTo(0);
    }

    private void assertError(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = relay.json(r);
        assertThat(body.path("error").asText()).isNotBlank();
        assertThat(body.path("details").isArray()).isTrue();
    }
}
