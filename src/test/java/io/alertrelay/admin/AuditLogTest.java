package io.alertrelay.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.security.Principal;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every non-GET admin request leaves an audit row: actor, action, resource, before/after, outcome, time. */
class AuditLogTest {

    static TestRelay relay;

    @BeforeAll
    static void start() {
        relay = TestRelay.shared();
    }

    /** The audit entries (newest first) whose resource is this path, waiting briefly for them to appear. */
    static List<JsonNode> auditEntries(TestRelay relay, String resource) {
        List<JsonNode> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            out.clear();
            JsonNode all = relay.json(relay.requestJson("GET", "/api/admin/audit?limit=1000", null));
            all.get("entries").forEach(e -> {
                if (resource.equals(e.get("resource").asText())) {
                    out.add(e);
                }
            });
            return !out.isEmpty();
        });
        return out;
    }

    @Test
    void successfulChangeIsAuditedWithActorBeforeAndAfter() {
        TestAgencies.Agency agency = TestAgencies.create(relay, "http://127.0.0.1:1/none", 10, 100);
        String path = "/api/admin/management/rate-limits/" + agency.name();
        String token = relay.token("alice", Principal.SUPER_ADMIN);
        assertThat(relay.request("PUT", path, token, "application/json", "{\"alertsPerHour\":20,\"alertsPerDay\":200}")
                .statusCode()).isEqualTo(200);

        JsonNode e = auditEntries(relay, path).get(0);
        assertThat(e.get("actor").asText()).isEqualTo("alice");
        assertThat(e.get("action").asText()).isEqualTo("admin-rate-limit-update");
        assertThat(e.get("method").asText()).isEqualTo("PUT");
        assertThat(e.get("outcome").asText()).isEqualTo("success");
        assertThat(e.get("status").asInt()).isEqualTo(200);
        assertThat(e.get("before").get("alertsPerHour").asInt()).isEqualTo(10);
        assertThat(e.get("after").get("alertsPerHour").asInt()).isEqualTo(20);
        assertThat(e.get("after").get("alertsPerDay").asInt()).isEqualTo(200);
        assertThat(e.get("at").asText()).isNotBlank();
    }

    @Test
    void failedAndRefusedChangesAreAuditedAsFailures() {
        TestAgencies.Agency agency = TestAgencies.create(relay, "http://127.0.0.1:1/none", 10, 100);
        String path = "/api/admin/management/rate-limits/" + agency.name();
        relay.requestJson("PUT", path, "{\"alertsPerHour\":-1}");
        relay.request("PUT", path, relay.token("bob", Principal.REPORTER), "application/json", "{\"alertsPerHour\":1,\"alertsPerDay\":1}");
        relay.request("PUT", path, null, "application/json", "{\"alertsPerHour\":1,\"alertsPerDay\":1}");

        await().atMost(Duration.ofSeconds(10)).until(() -> auditEntries(relay, path).size() >= 3);
        List<JsonNode> entries = auditEntries(relay, path);
        assertThat(entries).allMatch(e -> e.get("outcome").asText().equals("failure"));
        assertThat(entries).anyMatch(e -> e.get("status").asInt() == 400 && e.get("actor").asText().equals("test-admin"));
        assertThat(entries).anyMatch(e -> e.get("status").asInt() == 403 && e.get("actor").asText().equals("bob"));
        assertThat(entries).anyMatch(e -> e.get("status").asInt() == 401 && e.get("actor").asText().equals("anonymous"));
        // nothing changed
        assertThat(relay.queryValue("SELECT alerts_per_hour FROM agency_rate_limits WHERE agency_id = ?", agency.id()))
                .isEqualTo(10);
    }

    @Test
    void readsAreNotAuditedAndTheLimitIsValidated() {
        TestAgencies.Agency agency = TestAgencies.create(relay, "http://127.0.0.1:1/none", 10, 100);
        String path = "/api/admin/management/rate-limits/" + agency.name();
        relay.requestJson("GET", path, null);
        relay.requestJson("PUT", path, "{\"alertsPerHour\":11,\"alertsPerDay\":100}");
        List<JsonNode> entries = auditEntries(relay, path);
        assertThat(entries).hasSize(1).allMatch(e -> e.get("method").asText().equals("PUT"));

        assertThat(relay.json(relay.requestJson("GET", "/api/admin/audit?limit=1", null)).get("entries")).hasSize(1);
        assertThat(relay.requestJson("GET", "/api/admin/audit?limit=0", null).statusCode()).isEqualTo(400);
        assertThat(relay.requestJson("GET", "/api/admin/audit?limit=many", null).statusCode()).isEqualTo(400);
        assertThat(relay.requestJson("GET", "/api/admin/audit?events=maybe", null).statusCode()).isEqualTo(400);
        assertThat(relay.json(relay.requestJson("GET", "/api/admin/audit?events=false&limit=1000", null)).get("entries"))
                .allMatch(e -> e.get("kind").asText().equals("change"));
    }

    @Test
    void operationalEventsAppearInTheAuditTrail() {
        TestAgencies.Agency agency = TestAgencies.create(relay, "http://127.0.0.1:1/none", 10, 100);
        relay.update("INSERT INTO operational_events (event_type, agency_id, detail) VALUES ('webhook.disabled', ?, "
                + "'{\"reason\":\"410 Gone\"}'::jsonb)", agency.id());
        JsonNode e = auditEntries(relay, "agency/" + agency.name()).get(0);
        assertThat(e.get("kind").asText()).isEqualTo("event");
        assertThat(e.get("actor").asText()).isEqualTo("relay");
        assertThat(e.get("action").asText()).isEqualTo("webhook.disabled");
        assertThat(e.get("outcome").asText()).isEqualTo("failure");
        assertThat(e.get("after").get("reason").asText()).isEqualTo("410 Gone");
    }
}
