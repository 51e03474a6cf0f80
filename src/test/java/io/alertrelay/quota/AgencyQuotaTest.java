package io.alertrelay.quota;

import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestAgencies.Agency;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Quota allowances: blocks taken atomically, answered from memory, given back exactly to the counters they came from. */
class AgencyQuotaTest {

    private final TestRelay relay = TestRelay.shared();
    private final DataSource db = relay.app().dataSource();
    private static final ZoneId ZONE = ZoneId.of("Africa/Lagos");

    private long count(String column, Agency agency) {
        return TestAgencies.count(relay, "SELECT " + column + " FROM agency_rate_limits WHERE agency_id = ?", agency.id());
    }

    /** An agency that is never sent to, with this hour limit (and 1,000 a day). */
    private Agency agencyWithHourLimit(int perHour) {
        return TestAgencies.create(relay, "http://127.0.0.1:9/unused", perHour, 1000);
    }

    private static String instanceId() {
        return "quota-test/" + java.util.UUID.randomUUID();
    }

    /** One instance's quota: blocks of up to 64 that stay live for 30 s (no settle within a test). */
    private AgencyQuota instance() {
        return new AgencyQuota(db, instanceId(), ZONE, 64, Duration.ofSeconds(30));
    }

    @Test
    void twoInstancesHammeringOneAgencyNeverExceedItsLimitAndTheCountersEndAtWhatWasTaken() throws Exception {
        Agency agency = agencyWithHourLimit(100);
        AgencyQuota a = new AgencyQuota(db, instanceId(), ZONE, 16, Duration.ofMillis(300));
        AgencyQuota b = new AgencyQuota(db, instanceId(), ZONE, 16, Duration.ofMillis(300));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> taken = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            AgencyQuota instance = t % 2 == 0 ? a : b;
            taken.add(pool.submit(() -> {
                int reserved = 0;
                int kept = 0;
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (System.nanoTime() < end) {
                    if (instance.tryReserve(agency.id())) {
                        // every fifth alert is not sent after all: its reservation is given back
                        if (++reserved % 5 == 0) {
                            instance.release(agency.id());
                        } else {
                            kept++;
                        }
                    }
                }
                return kept;
            }));
        }
        int sent = 0;
        for (Future<Integer> f : taken) {
            sent += f.get();
        }
        pool.shutdown();
        assertThat(sent).isLessThanOrEqualTo(100);
        // allowances given back as they expire: in two seconds the pair must have used the whole hour
        assertThat(sent).isEqualTo(100);
        a.settleAll();
        b.settleAll();
        assertThat(count("hour_count", agency)).isEqualTo(sent);
        assertThat(count("day_count", agency)).isEqualTo(sent);
    }

    @Test
    void aQuietAgencysCountersShowExactlyWhatWasTaken() throws Exception {
        Agency agency = agencyWithHourLimit(100);
        AgencyQuota quota = instance();
        assertThat(quota.tryReserve(agency.id())).isTrue();
        assertThat(count("hour_count", agency)).isEqualTo(1);
    }

    @Test
    void fullCountersWithAnotherInstancesBlockLiveMeanWaitNotDefer() throws Exception {
        Agency agency = agencyWithHourLimit(3);
        AgencyQuota first = instance();
        AgencyQuota second = instance();
        assertThat(first.tryReserve(agency.id())).isTrue();   // a block of 1
        assertThat(first.tryReserve(agency.id())).isTrue();   // a block of 2: the counters are full, 1 unit unused
        assertThat(second.tryReserve(agency.id())).isFalse();
        assertThat(second.heldElsewhere(agency.id())).as("the first instance's block is live").isPresent();
        first.settleAll();                                     // the unused unit comes back
        assertThat(second.tryReserve(agency.id())).isTrue();

        Agency single = agencyWithHourLimit(1);
        assertThat(second.tryReserve(single.id())).isTrue();  // one unit, no block
        assertThat(first.tryReserve(single.id())).isFalse();
        assertThat(first.heldElsewhere(single.id())).as("really used up: defer").isEmpty();
    }

    @Test
    void unitsGivenBackAfterAResetLeaveTheNewHoursCountAlone() throws Exception {
        Agency agency = agencyWithHourLimit(100);
        AgencyQuota first = instance();
        AgencyQuota second = instance();
        assertThat(first.tryReserve(agency.id())).isTrue();   // a block of 1
        assertThat(first.tryReserve(agency.id())).isTrue();   // ran out within its lifetime: a block of 2, 1 left
        assertThat(count("hour_count", agency)).isEqualTo(3);
        new AgencyQuota(db, ZONE).resetHour();
        assertThat(second.tryReserve(agency.id())).isTrue();
        first.settleAll();                                     // its unused unit belongs to the previous hour
        assertThat(count("hour_count", agency)).isEqualTo(1);
        assertThat(count("day_count", agency)).isEqualTo(3);   // same day: 1 + 2 + 1 taken, 1 given back
    }
}
