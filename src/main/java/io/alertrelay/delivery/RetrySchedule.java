package io.alertrelay.delivery;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The durable retry schedule after in-process redelivery is exhausted (default 1 min, 5 min, 30 min,
 * 2 h, 5 h, 10 h), each delay spread by ± jitter so a recovering agency is not hit all at once.
 */
public final class RetrySchedule {

    private final List<Duration> delays;
    private final double jitter;

    public RetrySchedule(String spec, double jitter) {
        this.delays = Arrays.stream(spec.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(Duration::parse).toList();
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("retry jitter must be in [0, 1)");
        }
        this.jitter = jitter;
    }

    /** The delay before durable round {@code round} (0-based), or empty when the schedule is used up. */
    public Optional<Duration> delayFor(int round) {
        if (round < 0 || round >= delays.size()) {
            return Optional.empty();
        }
        long base = delays.get(round).toMillis();
        double factor = 1 + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextDouble(-jitter, jitter));
        return Optional.of(Duration.ofMillis(Math.max(0, Math.round(base * factor))));
    }

    public int rounds() {
        return delays.size();
    }
}
