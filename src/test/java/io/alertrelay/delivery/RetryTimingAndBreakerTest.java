package io.alertrelay.delivery;

import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.AgencyReceiver.Reply;
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

/** The shipped redelivery timings (1 s, 2 s, 4 s) and a per-agency breaker that opens and recovers. */
class RetryTimingAndBreakerTest {

    @Test
    void inProcessRedeliveryBacksOffOneTwoFourSeconds() {
        try (AgencyReceiver receiver = new AgencyReceiver();
             TestRelay relay = TestRelay.start(Map.of(
                     "relay.delivery.redelivery.delay-ms", "1000",
                     "relay.delivery.retry-schedule", "PT1M,PT5M,PT30M,PT2H,PT5H,PT10H"))) {
            receiver.thenReply(Reply.status(500), Reply.status(502), Reply.status(500));
            Agency agency = TestAgencies.create(relay, receiver.url("/timing"));
            UUID delivery = TestAgencies.enqueue(relay, agency, "high");

            await().atMost(Duration.ofSeconds(30)).until(() -> "delivered".equals(TestAgencies.status(relay, delivery)));
            List<AgencyReceiver.Received> got = receiver.received();
            assertThat(got).hasSize(4);
            long[] gaps = {got.get(1).atMillis() - got.get(0).atMillis(), got.get(2).atMillis() - got.get(1).atMillis(),
                    got.get(3).atMillis() - got.get(2).atMillis()};
            assertThat(gaps[0]).isBetween(900L, 1900L);
            assertThat(gaps[1]).isBetween(1800L, 3000L);
            assertThat(gaps[2]).isBetween(3600L, 5500L);
            assertThat(TestAgencies.count(relay, "SELECT retry_round FROM deliveries WHERE id = ?", delivery)).isZero();
        }
    }

    @Test
    void failedRedeliveryIsRescheduledDurablyWithJitter() {
        try (AgencyReceiver receiver = new AgencyReceiver();
             TestRelay relay = TestRelay.start(Map.of("relay.delivery.retry-schedule", "PT1M,PT5M"))) {
            receiver.byDefault(Reply.status(503));
            Agency agency = TestAgencies.create(relay, receiver.url("/later"));
            UUID delivery = TestAgencies.enqueue(relay, agency, "high");

            await().atMost(Duration.ofSeconds(20)).until(() -> TestAgencies.count(relay,
                    "SELECT retry_round FROM deliveries WHERE id = ?", delivery) == 1);
            assertThat(receiver.received()).hasSize(4);
            assertThat(TestAgencies.status(relay, delivery)).isEqualTo("pending");
            long inSeconds = TestAgencies.count(relay,
                    "SELECT extract(epoch FROM next_attempt_at - now())::bigint FROM deliveries WHERE id = ?", delivery);
            assertThat(inSeconds).isBetween(46L, 73L); // 1 min ± 20 %
            assertThat(relay.queryValue("SELECT lease_owner FROM deliveries WHERE id = ?", delivery)).isNull();
        }
    }

    @Test
    void circuitOpensForADeadAgencyThenRecoversWithoutLosingOrBurningAttempts() {
        try (AgencyReceiver receiver = new AgencyReceiver();
             TestRelay relay = TestRelay.start(Map.of(
                     "relay.delivery.breaker.minimum-calls", "4",
                     "relay.delivery.breaker.window", "4",
                     "relay.delivery.breaker.wait-open", "PT2S",
                     "relay.delivery.breaker.half-open-calls", "1",
                     "relay.delivery.redelivery.maximum", "0",
                     "relay.delivery.retry-schedule", "PT0.2S,PT0.2S,PT0.2S,PT0.2S,PT0.2S,PT0.2S,PT0.2S,PT0.2S"))) {
            receiver.byDefault(Reply.status(500));
            Agency agency = TestAgencies.create(relay, receiver.url("/dead"));
            AgencyCircuitBreakers breakers = relay.app().camel().getRegistry()
                    .lookupByNameAndType("agencyCircuitBreakers", AgencyCircuitBreakers.class);
            List<UUID> ids = List.of(TestAgencies.enqueue(relay, agency, "high"), TestAgencies.enqueue(relay, agency, "high"));

            await().atMost(Duration.ofSeconds(15)).until(() -> breakers.isOpen(agency.name()));
            assertThat(breakers.states().get(agency.name()).get("state")).isEqualTo("OPEN");
            // the breaker opens as the 4th attempt is classified, one statement before that attempt is logged
            long attemptsWhenOpened = 4;
            await().atMost(Duration.ofSeconds(5)).until(() -> TestAgencies.count(relay,
                    "SELECT count(*) FROM webhook_logs WHERE agency_id = ?", agency.id()) == attemptsWhenOpened);

            // while open nothing is sent and no attempt is used up; the agency comes back meanwhile
            receiver.byDefault(new Reply(200, Map.of(), null));
            await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(3)).until(() -> TestAgencies.count(relay,
                    "SELECT count(*) FROM webhook_logs WHERE agency_id = ?", agency.id()) == attemptsWhenOpened);

            for (UUID id : ids) {
                await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(TestAgencies.status(relay, id)));
            }
            assertThat(breakers.states().get(agency.name()).get("state")).isEqualTo("CLOSED");
            assertThat(TestAgencies.count(relay, "SELECT count(*) FROM operational_events WHERE event_type = 'circuit.opened' "
                    + "AND detail->>'agency' = ?", agency.name())).isGreaterThanOrEqualTo(1);
            assertThat(TestAgencies.count(relay, "SELECT count(*) FROM operational_events WHERE event_type = 'circuit.recovered' "
                    + "AND detail->>'agency' = ?", agency.name())).isGreaterThanOrEqualTo(1);
        }
    }
}
