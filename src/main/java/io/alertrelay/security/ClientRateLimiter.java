package io.alertrelay.security;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-client request limit for the public endpoints: a token bucket per client holding
 * {@code perMinute} requests, refilled continuously. Idle clients are forgotten so the map stays
 * small. In memory and per instance: a client spread over instances gets the limit at each.
 */
public final class ClientRateLimiter {

    /** Whether a request may go on, and if not, how long until one may. */
    public record Decision(boolean allowed, Duration retryAfter) {
    }

    private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();
    private static final int SWEEP_EVERY = 10_000;

    private final int perMinute;
    private final LongSupplier clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }
    }

    public ClientRateLimiter(int perMinute) {
        this(perMinute, System::nanoTime);
    }

    ClientRateLimiter(int perMinute, LongSupplier clock) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("relay.http.client-rate-limit.per-minute must be at least 1");
        }
        this.perMinute = perMinute;
        this.clock = clock;
    }

    public int perMinute() {
        return perMinute;
    }

    public Decision tryAcquire(String client) {
        long now = clock.getAsLong();
        sweepSometimes(now);
        Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(perMinute, now));
        synchronized (bucket) {
            double refill = (now - bucket.updatedNanos) * (double) perMinute / MINUTE_NANOS;
            bucket.tokens = Math.min(perMinute, bucket.tokens + refill);
            bucket.updatedNanos = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return new Decision(true, Duration.ZERO);
            }
            long nanosToOne = (long) Math.ceil((1 - bucket.tokens) * MINUTE_NANOS / perMinute);
            return new Decision(false, Duration.ofNanos(nanosToOne));
        }
    }

    /** A bucket untouched for a minute is full again: dropping it changes nothing. */
    private void sweepSometimes(long now) {
        if (calls.incrementAndGet() % SWEEP_EVERY != 0) {
            return;
        }
        buckets.entrySet().removeIf(e -> now - e.getValue().updatedNanos > MINUTE_NANOS);
    }
}
