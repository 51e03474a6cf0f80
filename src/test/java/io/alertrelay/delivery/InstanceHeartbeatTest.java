package io.alertrelay.delivery;

import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Instance heartbeats: the fresh deliveries of an instance that stopped beating are delivered by
 * another within 15 s (not at the end of their 60 s lease), and an instance that beats keeps its
 * leases, so nothing is sent twice while it lives. The other instance is played by the test: a row
 * in relay_instances and leases in its name, as a killed JVM leaves them.
 */
class InstanceHeartbeatTest {

    private static TestRelay relay;
    private static AgencyReceiver receiver;

    @BeforeAll
    static void start() {
        // the product's heartbeat timing and its 60 s lease
        relay = TestRelay.start(Map.of("relay.delivery.lease-seconds", "60",
                "relay.instances.heartbeat-ms", "2000", "relay.instances.dead-after-ms", "8000"));
        receiver = new AgencyReceiver();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        relay.close();
    }

    private static UUID leasedTo(String instance, TestAgencies.Agency agency) {
        UUID delivery = TestAgencies.enqueue(relay, agency, "high");
        relay.update("UPDATE deliveries SET lease_owner = ?, lease_until = now() + interval '60 seconds' WHERE id = ?",
                instance, delivery);
        return delivery;
    }

    @Test
    void aStoppedInstancesFreshDeliveriesArriveWithinFifteenSeconds() {
        String dead = "dead-host/4242/" + UUID.randomUUID().toString().substring(0, 8);
        relay.update("INSERT INTO relay_instances (instance_id, beat_at) VALUES (?, now() - interval '3 seconds')", dead);
        TestAgencies.Agency agency = TestAgencies.create(relay, receiver.url("/hooks/after-kill"));
        UUID delivery = leasedTo(dead, agency);
        long start = System.nanoTime();

        await().atMost(Duration.ofSeconds(15)).until(() -> "delivered".equals(TestAgencies.status(relay, delivery)));
        System.out.printf("a stopped instance's delivery arrived %d ms after its last beat + 3 s%n",
                (System.nanoTime() - start) / 1_000_000);
        assertThat(receiver.receivedAt("/hooks/after-kill")).hasSize(1);
        assertThat(relay.queryValue("SELECT count(*) FROM relay_instances WHERE instance_id = ?", dead)).isEqualTo(0L);
    }

    @Test
    void anInstanceThatBeatsKeepsItsLeasesAndLosesThemOnceItStops() throws Exception {
        String alive = "alive-host/4343/" + UUID.randomUUID().toString().substring(0, 8);
        relay.update("INSERT INTO relay_instances (instance_id) VALUES (?)", alive);
        ScheduledExecutorService beating = Executors.newSingleThreadScheduledExecutor();
        beating.scheduleAtFixedRate(() -> relay.update("UPDATE relay_instances SET beat_at = now() WHERE instance_id = ?",
                alive), 1, 1, TimeUnit.SECONDS);
        TestAgencies.Agency agency = TestAgencies.create(relay, receiver.url("/hooks/owner-alive"));
        UUID delivery = leasedTo(alive, agency);
        try {
            Thread.sleep(12_000);
            assertThat(TestAgencies.status(relay, delivery)).isEqualTo("pending");
            assertThat(receiver.receivedAt("/hooks/owner-alive")).as("not sent behind a live owner's back").isEmpty();
        } finally {
            beating.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> "delivered".equals(TestAgencies.status(relay, delivery)));
        assertThat(receiver.receivedAt("/hooks/owner-alive")).hasSize(1);
    }

    @Test
    void theRelayBeatsItselfAndLeavesCleanly() {
        await().atMost(Duration.ofSeconds(10)).until(() -> TestAgencies.count(relay,
                "SELECT count(*) FROM relay_instances WHERE beat_at > now() - interval '5 seconds'") >= 1);
        try (TestRelay second = TestRelay.startBeside(relay, Map.of())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> TestAgencies.count(relay,
                    "SELECT count(*) FROM relay_instances WHERE beat_at > now() - interval '5 seconds'") >= 2);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> TestAgencies.count(relay,
                "SELECT count(*) FROM relay_instances WHERE beat_at > now() - interval '5 seconds'") == 1);
    }
}
