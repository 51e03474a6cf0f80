package io.alertrelay.delivery;

import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestAgencies.Agency;
import io.alertrelay.support.TestRelay;
import org.apache.camel.processor.TotalRequestsThrottler;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Throttler EIP paces each agency (SPEC §3.4), and a lifted pace keeps its rate with few permits. */
class DeliveryPaceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aPaceOfThreeASecondSpreadsNineAlertsToOneAgencyOverTwoSeconds() {
        try (AgencyReceiver receiver = new AgencyReceiver(); TestRelay relay = paced(3, 1000)) {
            List<Long> at = delivered(relay, receiver, 9);
            assertThat(at.get(8) - at.get(0)).as("first to last arrival, ms").isGreaterThanOrEqualTo(1800);
            // no more than three in any window shorter than the period (a little under it, for timer jitter)
            for (int i = 0; i + 3 < at.size(); i++) {
                assertThat(at.get(i + 3) - at.get(i)).as("arrivals %d..%d", i, i + 3).isGreaterThanOrEqualTo(900);
            }
        }
    }

    @Test
    void aLiftedPaceOfAMillionASecondIsTheSameRateWithAThousandPermitsPerAgency() {
        try (AgencyReceiver receiver = new AgencyReceiver(); TestRelay relay = paced(1_000_000, 1000)) {
            delivered(relay, receiver, 50);
            TotalRequestsThrottler pace = relay.app().camel().getProcessor("agency-pace", TotalRequestsThrottler.class);
            // a million per 1000 ms: a million permit objects per agency; the same rate is 1,000 per 1 ms
            assertThat(pace.getTimePeriodMillis()).isEqualTo(1);
            assertThat(pace.getMaximumRequestsExpression().evaluate(new DefaultExchange(relay.app().camel()), Integer.class))
                    .isEqualTo(1000);
        }
    }

    private static TestRelay paced(int requests, int periodMs) {
        return TestRelay.start(Map.of("relay.delivery.pace.requests-per-period", String.valueOf(requests),
                "relay.delivery.pace.period-ms", String.valueOf(periodMs)));
    }

    /** Queues {@code alerts} alerts for a new agency; returns their arrival times (ms), once all are delivered. */
    private static List<Long> delivered(TestRelay relay, AgencyReceiver receiver, int alerts) {
        Agency agency = TestAgencies.create(relay, receiver.url("/paced"));
        for (int i = 0; i < alerts; i++) {
            TestAgencies.enqueue(relay, agency, "high");
        }
        await().atMost(WAIT).until(() -> receiver.received().size() == alerts);
        await().atMost(WAIT).until(() -> TestAgencies.count(relay,
                "SELECT count(*) FROM deliveries WHERE agency_id = ? AND status = 'delivered'", agency.id()) == alerts);
        return receiver.received().stream().map(AgencyReceiver.Received::atMillis).sorted().toList();
    }
}
