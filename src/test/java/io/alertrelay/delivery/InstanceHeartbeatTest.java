package io.alertrelay.delivery;

import io.alertrelay.quota.AgencyQuota;
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

    /** An instance that beats once now (a row in relay_instances) and its quota, whose blocks live 5 minutes. */
    private static AgencyQuota quotaOfAnInstanceThatBeatsOnce(String instance) {
        relay.update("INSERT INTO relay_instances (instance_id) VALUES (?)", instance);
        return quotaOf(instance);
    }

    /** The quota of an instance: blocks of up to 64 that live 5 minutes (no settle within a test). */
    private static AgencyQuota quotaOf(String instance) {
        return new AgencyQuota(relay.app().dataSource(), instance, java.time.ZoneId.of("Africa/Lagos"), 64,
                Duration.ofMinutes(5));
    }

    private long hourCount(TestAgencies.Agency agency) {
        return TestAgencies.count(relay, "SELECT hour_count FROM agency_rate_limits WHERE agency_id = ?", agency.id());
    }

    /** How many single units another instance can still take of the agency's hour (one statement each, no block). */
    private int unitsLeftFor(TestAgencies.Agency agency) throws Exception {
        AgencyQuota other = new AgencyQuota(relay.app().dataSource(), "other-host/1/" + UUID.randomUUID(),
                java.time.ZoneId.of("Africa/Lagos"), 1, Duration.ofMinutes(5));
        int taken = 0;
        while (taken < 1000 && other.tryReserve(agency.id())) {
            taken++;
        }
        for (int i = 0; i < taken; i++) {
            other.release(agency.id()); // leave the counters as they were
        }
        other.settleAll();
        return taken;
    }

    /**
     * An instance takes blocks of an agency's quota (4 units in its last block, one of them delivered and
     * recorded by its attempt writer), then stops beating. Its blocks live 5 minutes, so only the heartbeat can give them back:
     * within seconds the 3 unused units are in the counters again and another instance can take them.
     */
    @Test
    void aStoppedInstancesUnusedQuotaIsAvailableToAnotherInstanceWithinSeconds() throws Exception {
        String dead = "dead-host/4545/" + UUID.randomUUID().toString().substring(0, 8);
        AgencyQuota killed = quotaOfAnInstanceThatBeatsOnce(dead);
        TestAgencies.Agency agency = TestAgencies.create(relay, receiver.url("/hooks/quota-of-the-dead"), 20, 1000);
        for (int i = 0; i < 4; i++) {
            // blocks of 1, 2 (both used up), then 4: the fourth reservation leaves 3 units unused in memory
            assertThat(killed.tryReserve(agency.id())).isTrue();
        }
        assertThat(hourCount(agency)).isEqualTo(7);
        // the fourth reservation's alert reached the agency and the instance recorded its attempt
        UUID sent = UUID.randomUUID();
        relay.update("INSERT INTO deliveries (id, agency_id, event_type, payload, severity_rank, correlation_id, "
                + "lease_owner, lease_until) VALUES (?, ?, 'code.flagged', '{\"type\":\"code.flagged\",\"data\":{}}', 3, ?, ?, "
                + "now() + interval '60 seconds')", sent, agency.id(), "corr-" + sent, dead);
        try (AttemptWriter attempts = new AttemptWriter(relay.app().dataSource(), dead, 10, Duration.ZERO)) {
            assertThat(attempts.record(new AttemptWriter.Attempt(sent, "delivered", "delivered", 200, null, null, 5)))
                    .isTrue();
        }
        assertThat(TestAgencies.status(relay, sent)).isEqualTo("delivered");
        assertThat(unitsLeftFor(agency)).as("held by an instance that still counts as alive").isEqualTo(13);
        long start = System.nanoTime();

        await().atMost(Duration.ofSeconds(15)).until(() -> hourCount(agency) == 4);
        System.out.printf("a stopped instance's unused quota was back %d ms after its last beat%n",
                (System.nanoTime() - start) / 1_000_000);
        assertThat(unitsLeftFor(agency)).isEqualTo(16);
        assertThat(relay.queryValue("SELECT count(*) FROM quota_allowances WHERE instance_id = ?", dead)).isEqualTo(0L);
        assertThat(relay.queryValue("SELECT count(*) FROM relay_instances WHERE instance_id = ?", dead)).isEqualTo(0L);
    }

    /**
     * An alert deferred while a dead instance's block filled the agency's counters is released once the
     * heartbeat gives the block back, not at the next reset.
     */
    @Test
    void aStoppedInstancesReturnedQuotaReleasesTheAgencysDeferredAlerts() throws Exception {
        String dead = "dead-host/4747/" + UUID.randomUUID().toString().substring(0, 8);
        AgencyQuota killed = quotaOfAnInstanceThatBeatsOnce(dead);
        TestAgencies.Agency agency = TestAgencies.create(relay, receiver.url("/hooks/deferred-after-kill"), 3, 1000);
        assertThat(killed.tryReserve(agency.id())).isTrue(); // a block of 1
        assertThat(killed.tryReserve(agency.id())).isTrue(); // a block of 2: the hour is full, 1 unit unused
        assertThat(hourCount(agency)).isEqualTo(3);
        UUID deferred = UUID.randomUUID();
        relay.update("INSERT INTO deliveries (id, agency_id, event_type, payload, severity_rank, correlation_id, status) "
                + "VALUES (?, ?, 'code.flagged', '{\"type\":\"code.flagged\",\"data\":{}}', 3, ?, 'throttled')",
                deferred, agency.id(), "corr-" + deferred);

        await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(TestAgencies.status(relay, deferred)));
        assertThat(receiver.receivedAt("/hooks/deferred-after-kill")).hasSize(1);
        // the dead instance's 2 unrecorded units came back; the released alert took 1
        await().atMost(Duration.ofSeconds(5)).until(() -> hourCount(agency) == 2);
    }

    @Test
    void anInstanceThatBeatsKeepsItsQuotaBlock() throws Exception {
        String alive = "alive-host/4646/" + UUID.randomUUID().toString().substring(0, 8);
        relay.update("INSERT INTO relay_instances (instance_id) VALUES (?)", alive);
        ScheduledExecutorService beating = Executors.newSingleThreadScheduledExecutor();
        beating.scheduleAtFixedRate(() -> relay.update("UPDATE relay_instances SET beat_at = now() WHERE instance_id = ?",
                alive), 1, 1, TimeUnit.SECONDS);
        TestAgencies.Agency agency = TestAgencies.create(relay, receiver.url("/hooks/quota-of-the-living"), 20, 1000);
        AgencyQuota living = quotaOf(alive);
        try {
            for (int i = 0; i < 4; i++) {
                assertThat(living.tryReserve(agency.id())).isTrue();
            }
            Thread.sleep(12_000); // longer than dead-after-ms: a beating instance is not declared dead
            assertThat(hourCount(agency)).as("its block stays counted while it lives").isEqualTo(7);
            living.settleAll(); // a clean give-back: the 3 unused units, and the record goes
            assertThat(hourCount(agency)).isEqualTo(4);
            assertThat(relay.queryValue("SELECT count(*) FROM quota_allowances WHERE instance_id = ?", alive))
                    .as("a block given back is no longer the instance's").isEqualTo(0L);
        } finally {
            beating.shutdownNow();
        }
        // once it stops beating nothing more comes back: what it gave back is not returned twice
        await().atMost(Duration.ofSeconds(15)).until(() -> relay.queryValue(
                "SELECT count(*) FROM relay_instances WHERE instance_id = ?", alive).equals(0L));
        assertThat(hourCount(agency)).isEqualTo(4);
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
