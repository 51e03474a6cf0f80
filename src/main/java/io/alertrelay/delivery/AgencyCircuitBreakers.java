package io.alertrelay.delivery;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One Resilience4j circuit breaker per agency, tuned for low volume: it opens when most recent
 * calls failed (default 70 % of at least 10), and lets a probe through after the wait (default 30 s).
 * Camel's circuitBreaker EIP keeps one breaker per route node; agencies need one each.
 */
public final class AgencyCircuitBreakers {

    private static final Logger LOG = LoggerFactory.getLogger(AgencyCircuitBreakers.class);

    private final CircuitBreakerRegistry registry;
    private final Duration waitOpen;
    private final BiConsumer<String, CircuitBreaker.StateTransition> onTransition;

    public AgencyCircuitBreakers(float failureRatePercent, int minimumCalls, int window, Duration waitOpen,
                                 int halfOpenCalls, BiConsumer<String, CircuitBreaker.StateTransition> onTransition) {
        this.waitOpen = waitOpen;
        this.onTransition = onTransition;
        this.registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(Math.max(window, minimumCalls))
                .minimumNumberOfCalls(minimumCalls)
                .failureRateThreshold(failureRatePercent)
                .waitDurationInOpenState(waitOpen)
                .permittedNumberOfCallsInHalfOpenState(halfOpenCalls)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build());
        registry.getEventPublisher().onEntryAdded(added -> {
            CircuitBreaker breaker = added.getAddedEntry();
            breaker.getEventPublisher().onStateTransition(e -> {
                LOG.warn("Circuit breaker for agency {}: {}", breaker.getName(), e.getStateTransition());
                onTransition.accept(breaker.getName(), e.getStateTransition());
            });
        });
    }

    public CircuitBreaker forAgency(String agency) {
        return registry.circuitBreaker(agency);
    }

    /** True when the agency's breaker rejects calls now (open, or half-open with its probes taken). */
    public boolean isOpen(String agency) {
        CircuitBreaker.State s = forAgency(agency).getState();
        return s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN;
    }

    public Duration waitOpen() {
        return waitOpen;
    }

    public void onSuccess(CircuitBreaker breaker, long durationNanos) {
        breaker.onSuccess(durationNanos, TimeUnit.NANOSECONDS);
    }

    /** Every agency's breaker state, for health and admin views. */
    public Map<String, Map<String, Object>> states() {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        registry.getAllCircuitBreakers().forEach(b -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("state", b.getState().name());
            s.put("failureRate", b.getMetrics().getFailureRate());
            s.put("bufferedCalls", b.getMetrics().getNumberOfBufferedCalls());
            s.put("failedCalls", b.getMetrics().getNumberOfFailedCalls());
            out.put(b.getName(), s);
        });
        return out;
    }
}
