package io.alertrelay.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.AgencyReceiver.Reply;
import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestAgencies.Agency;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leases on deliveries: a flag's outbox rows are leased to the accepting instance in the intake
 * transaction (no claim statement on the hot path); an attempt that could outlive its lease renews it;
 * a worker whose lease was taken over sends nothing.
 */
class DeliveryLeaseTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Lease 9 s, HTTP timeout 2.5 s: an attempt needs 7.5 s of lease; the retry 2 s after a 1 s attempt has 6 s. */
    private static Map<String, String> shortLease(String agency) {
        return Map.of("relay.routing.default-agencies", agency,
                "relay.delivery.lease-seconds", "9",
                "relay.delivery.timeout-ms", "2500",
                "relay.delivery.redelivery.delay-ms", "2000",
                "relay.delivery.redelivery.maximum", "1",
                "relay.delivery.retry-schedule", "PT1H");
    }

    private static String flag(TestRelay relay) {
        String code = Catalogue.newCode(relay, "other");
        JsonNode accepted = relay.json(relay.postJson("/api/codes/" + code + "/flag",
                "{\"reason\":\"counterfeit\",\"severity\":\"high\"}"));
        assertThat(accepted.get("status").asText()).isEqualTo("accepted");
        return accepted.get("flagId").asText();
    }

    private static UUID deliveryOf(TestRelay relay, String flagId) {
        return (UUID) relay.queryValue("SELECT id FROM deliveries WHERE flag_id = ?::uuid", flagId);
    }

    private static double leaseUntil(TestRelay relay, UUID delivery) {
        return ((Number) relay.queryValue("SELECT extract(epoch FROM lease_until) FROM deliveries WHERE id = ?", delivery))
                .doubleValue();
    }

    @Test
    void theFlagsOutboxRowIsLeasedInTheIntakeTransactionAndAnInactiveAgencysRowWaitsUnleasedForThePoller() {
        try (AgencyReceiver receiver = new AgencyReceiver().slowBy(Duration.ofMillis(1500));
             TestRelay relay = TestRelay.start(Map.of())) {
            Agency agency = TestAgencies.create(relay, receiver.url("/leased"));
            try (TestRelay routed = TestRelay.startBeside(relay, Map.of("relay.routing.default-agencies", agency.name()))) {
                String flagId = flag(routed);
                // the row is the accepting instance's from its first moment: leased for the full lease
                Object owner = routed.queryValue("SELECT lease_owner FROM deliveries WHERE flag_id = ?::uuid", flagId);
                assertThat(String.valueOf(owner)).contains("/" + ProcessHandle.current().pid() + "/");
                Object leaseSeconds = routed.queryValue("SELECT round(extract(epoch FROM lease_until - created_at)) "
                        + "FROM deliveries WHERE flag_id = ?::uuid", flagId);
                assertThat(((Number) leaseSeconds).intValue()).isBetween(59, 61);
                await().atMost(WAIT).until(() -> "delivered".equals(TestAgencies.status(routed, deliveryOf(routed, flagId))));
                assertThat(receiver.received()).hasSize(1);

                // webhook off: the row is recorded without a lease and not sent; on again, the poller sends it
                routed.update("UPDATE agencies SET webhook_active = false WHERE id = ?", agency.id());
                String waiting = flag(routed);
                assertThat(routed.queryValue("SELECT lease_owner FROM deliveries WHERE flag_id = ?::uuid", waiting)).isNull();
                routed.update("UPDATE agencies SET webhook_active = true WHERE id = ?", agency.id());
                await().atMost(WAIT).until(() -> "delivered".equals(TestAgencies.status(routed, deliveryOf(routed, waiting))));
                assertThat(receiver.received()).hasSize(2);
            }
        }
    }

    @Test
    void aDeliveryTheFullQueueRefusedGoesToThePollerAtOnceNotAfterItsLease() {
        try (AgencyReceiver receiver = new AgencyReceiver().slowBy(Duration.ofMillis(300));
             TestRelay relay = TestRelay.start(Map.of())) {
            Agency agency = TestAgencies.create(relay, receiver.url("/full"));
            // one worker, a queue of one: most of six flags find the queue full (the lease is the default 60 s)
            try (TestRelay routed = TestRelay.startBeside(relay, Map.of("relay.routing.default-agencies", agency.name(),
                    "relay.delivery.workers", "1", "relay.delivery.queue-size", "1"))) {
                List<String> flags = new java.util.ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    flags.add(flag(routed));
                }
                await().atMost(WAIT).until(() -> flags.stream()
                        .allMatch(f -> "delivered".equals(TestAgencies.status(routed, deliveryOf(routed, f)))));
                assertThat(receiver.received()).hasSize(6);
            }
        }
    }

    @Test
    void anAttemptThatCouldOutliveItsLeaseRenewsItFirst() {
        try (AgencyReceiver receiver = new AgencyReceiver().slowBy(Duration.ofSeconds(1)).thenReply(Reply.status(503));
             TestRelay relay = TestRelay.start(Map.of())) {
            Agency agency = TestAgencies.create(relay, receiver.url("/renew"));
            try (TestRelay routed = TestRelay.startBeside(relay, shortLease(agency.name()))) {
                String flagId = flag(routed);
                UUID delivery = deliveryOf(routed, flagId);
                double intakeLease = leaseUntil(routed, delivery);
                // the retry (t ~ 3 s, 6 s of lease left) renews to 9 s from then before it is sent
                await().atMost(WAIT).until(() -> receiver.received().size() == 2);
                assertThat(leaseUntil(routed, delivery)).isGreaterThan(intakeLease + 2);
                await().atMost(WAIT).until(() -> "delivered".equals(TestAgencies.status(routed, delivery)));
                assertThat(TestAgencies.count(routed, "SELECT count(*) FROM webhook_logs WHERE delivery_id = ?", delivery))
                        .isEqualTo(2);
            }
        }
    }

    @Test
    void aWorkerWhoseLeaseWasTakenOverSendsNothingAndGivesBackItsQuota() throws Exception {
        try (AgencyReceiver receiver = new AgencyReceiver().thenReply(Reply.status(503));
             TestRelay relay = TestRelay.start(Map.of())) {
            Agency agency = TestAgencies.create(relay, receiver.url("/lost"));
            try (TestRelay routed = TestRelay.startBeside(relay, shortLease(agency.name()))) {
                String flagId = flag(routed);
                UUID delivery = deliveryOf(routed, flagId);
                await().atMost(WAIT).until(() -> receiver.received().size() == 1 && TestAgencies.count(routed,
                        "SELECT attempts FROM deliveries WHERE id = ?", delivery) == 1);
                // while the worker waits for its retry, another instance holds the delivery
                routed.update("UPDATE deliveries SET lease_owner = 'other-instance', lease_until = now() + interval '1 hour' "
                        + "WHERE id = ?", delivery);
                await().atMost(WAIT).until(() -> TestAgencies.count(routed,
                        "SELECT hour_count FROM agency_rate_limits WHERE agency_id = ?", agency.id()) == 0);
                Thread.sleep(3000); // the retry was due after 2 s: nothing more may arrive
                assertThat(receiver.received()).hasSize(1);
                assertThat(routed.queryValue("SELECT lease_owner FROM deliveries WHERE id = ?", delivery))
                        .isEqualTo("other-instance");
                assertThat(TestAgencies.count(routed, "SELECT attempts FROM deliveries WHERE id = ?", delivery)).isEqualTo(1);
                assertThat(TestAgencies.status(routed, delivery)).isEqualTo("pending");
            }
        }
    }
}
