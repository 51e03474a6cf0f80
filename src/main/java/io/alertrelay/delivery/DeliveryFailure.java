package io.alertrelay.delivery;

import java.time.Duration;
import java.util.Optional;

/** Why an attempt did not deliver; the route's error policy picks the reaction by subtype. */
public abstract class DeliveryFailure extends RuntimeException {

    protected DeliveryFailure(String message) {
        super(message, null, false, false);
    }

    /** Worth retrying soon: 5xx, 408, 3xx, network errors. Redelivered in process, then rescheduled durably. */
    public static final class Retryable extends DeliveryFailure {
        public Retryable(String message) {
            super(message);
        }
    }

    /** Retrying cannot help (4xx other than 408/429): the delivery fails now, no retry storm. */
    public static final class Permanent extends DeliveryFailure {
        public Permanent(String message) {
            super(message);
        }
    }

    /** The agency asked us to wait (429/503 with Retry-After) or its breaker is open: try later, no in-process retry. */
    public static final class Deferred extends DeliveryFailure {
        private final Duration delay;
        private final boolean countsAsRound;

        public Deferred(String message, Duration delay, boolean countsAsRound) {
            super(message);
            this.delay = delay;
            this.countsAsRound = countsAsRound;
        }

        public Duration delay() {
            return delay;
        }

        public boolean countsAsRound() {
            return countsAsRound;
        }
    }

    /** Another instance took the delivery over after this instance's lease ran out: this one stops, sending nothing. */
    public static final class LeaseLost extends DeliveryFailure {
        public LeaseLost(String message) {
            super(message);
        }
    }

    static Optional<DeliveryFailure> of(Throwable t) {
        Throwable c = t;
        while (c != null) {
            if (c instanceof DeliveryFailure f) {
                return Optional.of(f);
            }
            c = c.getCause();
        }
        return Optional.empty();
    }
}
