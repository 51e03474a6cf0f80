package io.alertrelay.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * What an agency's answer means, as a pure function of the answer (SPEC §7): the status, or the
 * error when there was no answer, and the Retry-After header. {@link DeliveryWork} acts on the verdict
 * (store, breaker, events); nothing here touches either.
 */
public final class AnswerClassification {

    /** The outcome recorded in webhook_logs, and what follows from it. */
    public enum Outcome {
        /** 2xx: done. */
        DELIVERED("delivered", "delivered", Next.DONE, false),
        /** 410 Gone: the agency retired the target; the webhook is switched off. */
        GONE("gone", "failed", Next.FAIL, false),
        /** Other 4xx (not 408, 429): retrying cannot help. */
        PERMANENT_FAILURE("permanent_failure", "failed", Next.FAIL, false),
        /** 429, or 502/503/504 with Retry-After: wait as asked, attempts untouched by in-process retries. */
        RATE_LIMITED("rate_limited", "pending", Next.DEFER, true),
        /** 5xx, 408, 3xx and anything else: retried in process, then on the durable schedule. */
        RETRYABLE_FAILURE("retryable_failure", "pending", Next.RETRY, true),
        /** No answer (refused, timed out, reset; a broker that did not acknowledge): retried as above. */
        NETWORK_ERROR("network_error", "pending", Next.RETRY, true);

        private final String logged;
        private final String status;
        private final Next next;
        private final boolean breakerFailure;

        Outcome(String logged, String status, Next next, boolean breakerFailure) {
            this.logged = logged;
            this.status = status;
            this.next = next;
            this.breakerFailure = breakerFailure;
        }

        /** The outcome's name in webhook_logs and metrics. */
        public String logged() {
            return logged;
        }

        /** The delivery's status after the attempt. */
        public String status() {
            return status;
        }

        public Next next() {
            return next;
        }

        /** Whether the attempt counts as a failure for the target's circuit breaker (a 4xx is the agency speaking: not). */
        public boolean breakerFailure() {
            return breakerFailure;
        }
    }

    /** What happens to the delivery after the attempt. */
    public enum Next { DONE, FAIL, DEFER, RETRY }

    /** An outcome and, for {@link Next#DEFER}, how long to wait. */
    public record Verdict(Outcome outcome, Optional<Duration> delay) {
    }

    /** The wait of a 429 that names none. */
    static final Duration DEFAULT_RATE_LIMIT_WAIT = Duration.ofSeconds(30);

    private AnswerClassification() {
    }

    /** An attempt that got no answer. */
    public static Verdict noAnswer() {
        return new Verdict(Outcome.NETWORK_ERROR, Optional.empty());
    }

    /** An attempt answered with {@code status}; {@code retryAfter} is the header's value, if any, read at {@code now}. */
    public static Verdict answered(int status, String retryAfter, Instant now) {
        if (status >= 200 && status < 300) {
            return new Verdict(Outcome.DELIVERED, Optional.empty());
        }
        if (status == 410) {
            return new Verdict(Outcome.GONE, Optional.empty());
        }
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            return new Verdict(Outcome.PERMANENT_FAILURE, Optional.empty());
        }
        Optional<Duration> asked = retryAfter(retryAfter, now);
        if (status == 429 || ((status == 502 || status == 503 || status == 504) && asked.isPresent())) {
            return new Verdict(Outcome.RATE_LIMITED, Optional.of(asked.orElse(DEFAULT_RATE_LIMIT_WAIT)));
        }
        return new Verdict(Outcome.RETRYABLE_FAILURE, Optional.empty());
    }

    /** A Retry-After value: delay-seconds or an HTTP date (RFC 9110 §10.2.3); empty when it is neither. */
    static Optional<Duration> retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Optional.of(Duration.between(now, at.toInstant()));
            } catch (RuntimeException notDate) {
                return Optional.empty();
            }
        }
    }
}
