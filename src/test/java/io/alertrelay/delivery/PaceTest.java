package io.alertrelay.delivery;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The pace handed to the Throttler EIP: unchanged when small, the same rate with bounded permits when lifted. */
class PaceTest {

    @Test
    void aPaceWithinTheBoundIsPassedOnUnchanged() {
        assertThat(Pace.of(20, 1000)).isEqualTo(new Pace(20, 1000));
        assertThat(Pace.of(1000, 60_000)).isEqualTo(new Pace(1000, 60_000));
    }

    @Test
    void aLiftedPaceKeepsItsRateOverAShorterPeriodWithAtMostAThousandPermits() {
        for (int[] asked : new int[][] {{1_000_000, 1000}, {5000, 1000}, {1500, 1000}, {100_000, 60_000}, {2001, 7}}) {
            Pace pace = Pace.of(asked[0], asked[1]);
            double rate = asked[0] * 1000.0 / asked[1];
            assertThat(pace.perSecond()).as("rate of %d per %d ms", asked[0], asked[1]).isCloseTo(rate, within(rate * 0.01));
            assertThat(pace.requests()).isLessThanOrEqualTo(Pace.MAX_PERMITS + 1);
            assertThat(pace.periodMillis()).isGreaterThanOrEqualTo(1).isLessThan(asked[1]);
        }
        assertThat(Pace.of(1_000_000, 1000)).isEqualTo(new Pace(1000, 1));
    }

    @Test
    void aPaceBeyondAThousandPerMillisecondKeepsItsRateAtAOneMillisecondPeriod() {
        assertThat(Pace.of(5_000_000, 1000)).isEqualTo(new Pace(5000, 1));
    }

    @Test
    void nonsenseValuesBecomeTheSmallestPace() {
        assertThat(Pace.of(0, 0)).isEqualTo(new Pace(1, 1));
    }
}
