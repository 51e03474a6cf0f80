package io.alertrelay.security;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-client token bucket: a full minute's budget at once, then one request per 60/N seconds. */
class ClientRateLimiterTest {

    @Test
    void aClientGetsItsBudgetThenWaitsForTheRefill() {
        AtomicLong now = new AtomicLong(0);
        ClientRateLimiter limiter = new ClientRateLimiter(6, now::get);
        for (int i = 0; i < 6; i++) {
            assertThat(limiter.tryAcquire("a").allowed()).isTrue();
        }
        ClientRateLimiter.Decision refused = limiter.tryAcquire("a");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(limiter.tryAcquire("b").allowed()).as("another client has its own bucket").isTrue();

        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(limiter.tryAcquire("a").allowed()).isTrue();
        assertThat(limiter.tryAcquire("a").allowed()).isFalse();

        now.addAndGet(Duration.ofHours(1).toNanos());
        int allowed = 0;
        while (limiter.tryAcquire("a").allowed()) {
            allowed++;
        }
        assertThat(allowed).as("an idle client never saves up more than one minute's budget").isEqualTo(6);
    }
}
