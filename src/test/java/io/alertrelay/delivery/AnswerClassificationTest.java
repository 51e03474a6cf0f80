package io.alertrelay.delivery;

import io.alertrelay.delivery.AnswerClassification.Next;
import io.alertrelay.delivery.AnswerClassification.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The agency's answer → outcome table of SPEC §7, without a database, a breaker or an agency. */
class AnswerClassificationTest {

    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @ParameterizedTest(name = "{0} Retry-After ''{1}'' -> {2}, wait {3} s")
    @CsvSource(nullValues = "-", value = {
            // status, Retry-After, outcome, wait (s)
            "200, -,   DELIVERED, -",
            "204, -,   DELIVERED, -",
            "299, -,   DELIVERED, -",
            "410, -,   GONE, -",
            "400, -,   PERMANENT_FAILURE, -",
            "401, -,   PERMANENT_FAILURE, -",
            "404, 60,  PERMANENT_FAILURE, -",
            "422, -,   PERMANENT_FAILURE, -",
            "408, -,   RETRYABLE_FAILURE, -",
            "429, -,   RATE_LIMITED, 30",
            "429, 120, RATE_LIMITED, 120",
            "429, 'Sun, 06 Dec 2026 12:05:00 GMT', RATE_LIMITED, 300",
            "429, soon, RATE_LIMITED, 30",
            "503, 7,   RATE_LIMITED, 7",
            "502, 7,   RATE_LIMITED, 7",
            "504, 7,   RATE_LIMITED, 7",
            "503, -,   RETRYABLE_FAILURE, -",
            "500, 7,   RETRYABLE_FAILURE, -",
            "500, -,   RETRYABLE_FAILURE, -",
            "302, -,   RETRYABLE_FAILURE, -",
            "301, -,   RETRYABLE_FAILURE, -",
            "100, -,   RETRYABLE_FAILURE, -",
            "0,   -,   RETRYABLE_FAILURE, -"})
    void anAnswerHasOneOutcome(int status, String retryAfter, Outcome outcome, Long waitSeconds) {
        AnswerClassification.Verdict verdict = AnswerClassification.answered(status, retryAfter, NOW);
        assertThat(verdict.outcome()).isEqualTo(outcome);
        assertThat(verdict.delay().map(Duration::getSeconds).orElse(null)).isEqualTo(waitSeconds);
    }

    @ParameterizedTest
    @CsvSource({
            "DELIVERED, delivered, delivered, DONE, false",
            "GONE, gone, failed, FAIL, false",
            "PERMANENT_FAILURE, permanent_failure, failed, FAIL, false",
            "RATE_LIMITED, rate_limited, pending, DEFER, true",
            "RETRYABLE_FAILURE, retryable_failure, pending, RETRY, true",
            "NETWORK_ERROR, network_error, pending, RETRY, true"})
    void eachOutcomeSaysWhatIsLoggedAndWhatFollows(Outcome outcome, String logged, String status, Next next, boolean breaker) {
        assertThat(outcome.logged()).isEqualTo(logged);
        assertThat(outcome.status()).isEqualTo(status);
        assertThat(outcome.next()).isEqualTo(next);
        assertThat(outcome.breakerFailure()).isEqualTo(breaker);
    }

    @Test
    void noAnswerIsANetworkErrorToRetry() {
        assertThat(AnswerClassification.noAnswer().outcome()).isEqualTo(Outcome.NETWORK_ERROR);
        assertThat(AnswerClassification.noAnswer().delay()).isEmpty();
    }
}
