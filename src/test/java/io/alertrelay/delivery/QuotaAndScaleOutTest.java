package io.alertrelay.delivery;

import io.alertrelay.quota.AgencyQuota;
import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestAgencies.Agency;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Quotas defer (never drop) alerts and hold across instances; several instances never double-send. */
class QuotaAndScaleOutTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final TestRelay relay = TestRelay.shared();
    private final AgencyReceiver receiver = new AgencyReceiver();

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    private AgencyQuota quota() {
        return relay.app().camel().getRegistry().lookupByNameAndType("agencyQuota", AgencyQuota.class);
    }

    @Test
    void alertsOverTheQuotaAreDeferredAndReleasedMostSevereFirstAfterTheReset() throws Exception {
        Agency agency = TestAgencies.create(relay, receiver.url("/quota"), 1, 1000);
        UUID first = TestAgencies.enqueue(relay, agency, "low");
        await().atMost(WAIT).until(() -> "delivered".equals(TestAgencies.status(relay, first)));

        UUID low = TestAgencies.enqueue(relay, agency, "low");
        UUID critical = TestAgencies.enqueue(relay, agency, "critical");
        UUID high = TestAgencies.enqueue(relay, agency, "high");
        for (UUID id : List.of(low, critical, high)) {
            await().atMost(WAIT).until(() -> "throttled".equals(TestAgencies.status(relay, id)));
        }
        assertThat(relay.queryValue("SELECT throttled_until > now() FROM agency_rate_limits WHERE agency_id = ?", agency.id()))
                .isEqualTo(true);
        assertThat(receiver.received()).hasSize(1);

        // each hourly reset frees one slot: the most severe waiting alert goes first, none is lost
        List<UUID> order = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            quota().resetHour();
            quota().releaseDeferred();
            int expected = round + 2;
            await().atMost(WAIT).until(() -> receiver.received().size() == expected);
            order.add(UUID.fromString(receiver.received().get(expected - 1).header("webhook-id")));
            await().atMost(WAIT).until(() -> TestAgencies.count(relay,
                    "SELECT count(*) FROM deliveries WHERE agency_id = ? AND status = 'delivered'", agency.id()) == expected);
        }
        assertThat(order).containsExactly(critical, high, low);
        assertThat(TestAgencies.count(relay, "SELECT day_count FROM agency_rate_limits WHERE agency_id = ?", agency.id())).isEqualTo(4);
    }

    @Test
    void twoInstancesOnOneDatabaseNeverSendADeliveryTwiceNorExceedTheQuota() {
        Agency agency = TestAgencies.create(relay, receiver.url("/shared"), 15, 1000);
        try (TestRelay second = TestRelay.startBeside(relay, Map.of())) {
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                ids.add(TestAgencies.enqueue(i % 2 == 0 ? relay : second, agency, "medium"));
            }
            await().atMost(WAIT).until(() -> TestAgencies.count(relay,
                    "SELECT count(*) FROM deliveries WHERE agency_id = ? AND status IN ('delivered', 'throttled')", agency.id()) == 40);
            List<String> webhookIds = receiver.received().stream().map(r -> r.header("webhook-id")).toList();
            Set<String> unique = new HashSet<>(webhookIds);
            assertThat(webhookIds).hasSize(15);
            assertThat(unique).hasSize(15);
            assertThat(TestAgencies.count(relay, "SELECT count(*) FROM deliveries WHERE agency_id = ? AND status = 'throttled'",
                    agency.id())).isEqualTo(25);
            assertThat(TestAgencies.count(relay, "SELECT hour_count FROM agency_rate_limits WHERE agency_id = ?", agency.id()))
                    .isEqualTo(15);
            // both instances did work (the lease split it), and every attempt is logged once
            Set<String> owners = receiver.received().stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet());
            assertThat(TestAgencies.count(relay, "SELECT count(*) FROM webhook_logs w JOIN deliveries d ON d.id = w.delivery_id "
                    + "WHERE d.agency_id = ?", agency.id())).isEqualTo(owners.size());
        }
    }

    @Test
    void pollerLeasesNoMoreThanItsWorkersCanSoonSendSoLeasesDoNotExpireInMemory() {
        try (AgencyReceiver slow = new AgencyReceiver().slowBy(Duration.ofMillis(400));
             TestRelay own = TestRelay.start(Map.of("relay.delivery.workers", "2", "relay.delivery.poll-batch", "5"))) {
            Agency agency = TestAgencies.create(own, slow.url("/slow"));
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ids.add(TestAgencies.enqueue(own, agency, "medium"));
            }
            String leased = "SELECT count(*) FROM deliveries WHERE agency_id = ? AND status = 'pending' AND lease_owner IS NOT NULL";
            await().atMost(WAIT).until(() -> slow.received().size() >= 4);
            // queued for the workers (at most one batch) plus the two in flight; never all thirty
            for (int look = 0; look < 5; look++) {
                assertThat(TestAgencies.count(own, leased, agency.id())).isLessThanOrEqualTo(5 + 2);
                await().pollDelay(Duration.ofMillis(200)).until(() -> true);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> TestAgencies.count(own,
                    "SELECT count(*) FROM deliveries WHERE agency_id = ? AND status = 'delivered'", agency.id()) == 30);
            assertThat(slow.received()).hasSize(30);
        }
    }
}
