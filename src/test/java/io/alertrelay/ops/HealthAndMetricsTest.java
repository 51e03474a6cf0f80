package io.alertrelay.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestAgencies.Agency;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** /observe/metrics counts the pipeline's traffic; /observe/health reports database, routes, breakers and Quartz. */
class HealthAndMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final TestRelay relay = TestRelay.shared();
    private final AgencyReceiver receiver = new AgencyReceiver();

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void metricsCountAcceptedFlagsAttemptsByOutcomeAndAgencyLatencyQuotaRejectionsQueueDepthAndBreakerState() {
        Agency healthy = TestAgencies.create(relay, receiver.url("/healthy"));
        Agency refusing = TestAgencies.create(relay, receiver.url("/refusing"));
        Agency limited = TestAgencies.create(relay, receiver.url("/limited"), 1, 1000);
        receiver.byDefault(new AgencyReceiver.Reply(200, Map.of(), null));
        double acceptedBefore = orZero(Prometheus.value(relay, "relay_flags_accepted_total"));

        String code = Catalogue.newCode(relay, "food");
        for (int i = 0; i < 3; i++) {
            assertThat(relay.postJson("/api/codes/" + code + "/flag", "{\"reason\":\"counterfeit\",\"severity\":\"high\"}")
                    .statusCode()).isEqualTo(202);
        }
        for (int i = 0; i < 4; i++) {
            TestAgencies.enqueue(relay, healthy, "high");
        }
        // a 400 is a permanent failure: exactly one attempt per delivery
        relay.update("UPDATE agencies SET webhook_url = ? WHERE id = ?", receiver.url("/refusing?status=400"), refusing.id());
        AgencyReceiver refuser = new AgencyReceiver().byDefault(AgencyReceiver.Reply.status(400));
        try {
            relay.update("UPDATE agencies SET webhook_url = ? WHERE id = ?", refuser.url("/refusing"), refusing.id());
            TestAgencies.enqueue(relay, refusing, "low");
            TestAgencies.enqueue(relay, refusing, "low");
            for (int i = 0; i < 3; i++) {
                TestAgencies.enqueue(relay, limited, "medium");
            }
            String healthyTag = "agency=\"" + healthy.name() + "\"";
            await().atMost(WAIT).untilAsserted(() -> {
                String m = Prometheus.scrape(relay);
                assertThat(Prometheus.sample(m, "relay_deliveries_total", healthyTag, "outcome=\"delivered\"")).hasValue(4.0);
                assertThat(Prometheus.sample(m, "relay_deliveries_total", "agency=\"" + refusing.name() + "\"",
                        "outcome=\"permanent_failure\"")).hasValue(2.0);
                assertThat(Prometheus.sample(m, "relay_deliveries_total", "agency=\"" + limited.name() + "\"",
                        "outcome=\"delivered\"")).hasValue(1.0);
                assertThat(Prometheus.sample(m, "relay_quota_rejections_total", "agency=\"" + limited.name() + "\""))
                        .hasValue(2.0);
                assertThat(Prometheus.sample(m, "relay_delivery_attempt_seconds_count", healthyTag)).hasValue(4.0);
                assertThat(Prometheus.sample(m, "relay_delivery_attempt_seconds_bucket", healthyTag, "le=\"+Inf\""))
                        .hasValue(4.0);
                assertThat(Prometheus.sample(m, "relay_flags_accepted_total").orElseThrow()).isEqualTo(acceptedBefore + 3);
                assertThat(Prometheus.sample(m, "relay_circuit_breaker_state", healthyTag)).hasValue(0.0);
                // gauges are cached for a few seconds; the two throttled deliveries show up within that
                assertThat(Prometheus.sample(m, "relay_deliveries_deferred").orElseThrow()).isGreaterThanOrEqualTo(2.0);
                assertThat(Prometheus.sample(m, "relay_deliveries_pending")).isPresent();
            });
        } finally {
            refuser.close();
        }
    }

    @Test
    void camelRouteMetricsCoverTheEntryRoutesButNotTheInnerStepsLeftOutInTheSettings() {
        Agency agency = TestAgencies.create(relay, receiver.url("/route-metrics"));
        receiver.byDefault(new AgencyReceiver.Reply(200, Map.of(), null));
        TestAgencies.enqueue(relay, agency, "high");
        String code = Catalogue.newCode(relay, "food");
        assertThat(relay.postJson("/api/codes/" + code + "/flag", "{\"reason\":\"counterfeit\",\"severity\":\"high\"}")
                .statusCode()).isEqualTo(202);
        await().atMost(WAIT).untilAsserted(() -> {
            String m = Prometheus.scrape(relay);
            assertThat(Prometheus.sample(m, "camel_exchanges_total", "routeId=\"flag-intake\"")).isPresent();
            assertThat(Prometheus.sample(m, "camel_exchanges_total", "routeId=\"deliver\"")).isPresent();
            // relay.metrics.routes-without-metrics (application.properties)
            assertThat(Prometheus.sample(m, "camel_exchanges_total", "routeId=\"deliver-attempt\"")).isEmpty();
            assertThat(Prometheus.sample(m, "camel_exchanges_total", "routeId=\"delivery-handoff\"")).isEmpty();
        });
    }

    @Test
    void healthListsDatabaseRoutesCircuitBreakersAndQuartzAsReadinessChecks() {
        var answer = relay.get("/observe/health/ready?data=true");
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode health = relay.json(answer);
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(check(health, "database").get("status").asText()).isEqualTo("UP");
        assertThat(check(health, "database").get("data").get("database.version").asText()).isNotBlank();
        assertThat(check(health, "circuit-breakers").get("status").asText()).isEqualTo("UP");
        // a food flag goes to FIRS (the demo receiver): its breaker appears in the details
        String code = Catalogue.newCode(relay, "food");
        relay.postJson("/api/codes/" + code + "/flag", "{\"reason\":\"counterfeit\",\"severity\":\"low\"}");
        await().atMost(WAIT).untilAsserted(() -> assertThat(check(relay.json(relay.get("/observe/health/ready?data=true")),
                "circuit-breakers").path("data").path("breaker.FIRS").asText()).isEqualTo("CLOSED"));
        assertThat(check(health, "quartz").get("status").asText()).isEqualTo("UP");
        assertThat(check(health, "route:flag-intake").get("status").asText()).isEqualTo("UP");
        assertThat(check(health, "route:deliver").get("status").asText()).isEqualTo("UP");
        assertThat(relay.json(relay.get("/observe/health")).get("status").asText()).isEqualTo("UP");
    }

    @Test
    void readinessIsDownWhileTheDatabaseRefusesConnectionsAndUpAgainAfterwardsLivenessStaysUp() throws Exception {
        try (TestRelay own = TestRelay.start(Map.of("relay.health.database-timeout-ms", "1500"))) {
            String url = own.app().settings().find("relay.db.url").orElseThrow();
            String name = url.substring(url.lastIndexOf('/') + 1);
            String admin = url.substring(0, url.lastIndexOf('/') + 1) + "postgres";
            await().atMost(WAIT).until(() -> own.get("/observe/health/ready").statusCode() == 200);
            try (Connection c = DriverManager.getConnection(admin, io.alertrelay.db.EmbeddedPostgres.USER, "");
                 Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
                try {
                    await().atMost(WAIT).untilAsserted(() -> {
                        var ready = own.get("/observe/health/ready?data=true");
                        assertThat(ready.statusCode()).isEqualTo(503);
                        JsonNode db = check(own.json(ready), "database");
                        assertThat(db.get("status").asText()).isEqualTo("DOWN");
                    });
                    assertThat(own.get("/observe/health/live").statusCode()).isEqualTo(200);
                } finally {
                    s.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
                }
            }
            await().atMost(WAIT).until(() -> own.get("/observe/health/ready").statusCode() == 200);
        }
    }

    private static JsonNode check(JsonNode health, String name) {
        return StreamSupport.stream(health.get("checks").spliterator(), false)
                .filter(c -> name.equals(c.get("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + name + " in " + health));
    }

    private static double orZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
