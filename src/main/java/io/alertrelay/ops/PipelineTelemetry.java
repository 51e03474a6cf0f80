package io.alertrelay.ops;

import io.alertrelay.delivery.AgencyCircuitBreakers;
import io.alertrelay.delivery.ClaimedDelivery;
import io.alertrelay.delivery.DeliveryObserver;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline as operations see it: Prometheus meters for accepted flags, attempts by outcome and
 * agency, attempt latency, quota rejections, queue depth and breaker state; and the log context
 * ({@code correlationId}, {@code deliveryId}, {@code agency} in the MDC) that follows a flag from
 * intake through each delivery attempt.
 */
public final class PipelineTelemetry implements DeliveryObserver {

    /** MDC keys; Camel propagates them across asynchronous hops of the same exchange. */
    public static final String CORRELATION_ID = "correlationId";
    public static final String DELIVERY_ID = "deliveryId";
    public static final String AGENCY = "agency";
    public static final String FLAG_ID = "flagId";

    /** Per-flag and per-attempt lines; DEBUG for the happy path, so production logs stay lean. */
    private static final Logger TRAIL = LoggerFactory.getLogger("io.alertrelay.trail");

    private final MeterRegistry registry;
    private final AgencyCircuitBreakers breakers;
    private final Counter flagsAccepted;
    private final Timer quotaCheck;
    private final Map<String, Counter> attempts = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final Map<String, Counter> quotaRejections = new ConcurrentHashMap<>();
    private final Map<String, Gauge> breakerGauges = new ConcurrentHashMap<>();
    private final Map<String, Counter> transportSends = new ConcurrentHashMap<>();
    /** Broker target URI → its last send, for the health details. */
    private final Map<String, Map<String, Object>> brokerTargets = new ConcurrentHashMap<>();

    public PipelineTelemetry(MeterRegistry registry, AgencyCircuitBreakers breakers, QueueDepth queueDepth) {
        this.registry = registry;
        this.breakers = breakers;
        this.flagsAccepted = Counter.builder("relay.flags.accepted")
                .description("Flags recorded and answered 202 (idempotent repeats not counted)").register(registry);
        quotaCheck = Timer.builder("relay.quota.check")
                .description("Duration of a delivery's quota check inside the pipeline (allowance or database)")
                .publishPercentiles(0.5, 0.95, 0.99).register(registry);
        Gauge.builder("relay.deliveries.pending", queueDepth, QueueDepth::pending).strongReference(true)
                .description("Deliveries waiting to be sent (status pending), all instances").register(registry);
        Gauge.builder("relay.deliveries.deferred", queueDepth, QueueDepth::deferred).strongReference(true)
                .description("Deliveries deferred by an agency quota (status throttled), all instances").register(registry);
        breakers.states().keySet().forEach(this::breakerGauge);
    }

    /**
     * Route step after the intake commit: counts the flag (its correlation id is already in the log
     * context: FlagIntake.parse put it there, on this same thread).
     */
    public void flagAccepted(Exchange exchange) {
        List<?> deliveries = exchange.getProperty("recordedDeliveries", List.class);
        if (deliveries == null) {
            TRAIL.debug("Flag repeated (Idempotency-Key): answered as the first time");
            return;
        }
        flagsAccepted.increment();
        if (TRAIL.isDebugEnabled()) {
            Object body = exchange.getMessage().getBody();
            Object flagId = body instanceof Map<?, ?> m ? m.get(FLAG_ID) : null;
            Object agencies = body instanceof Map<?, ?> m ? m.get("agencies") : null;
            TRAIL.debug("Flag {} accepted: {} deliveries to {}", flagId, deliveries.size(), agencies);
        }
    }

    @Override
    public void admitting(ClaimedDelivery d) {
        logContext(d);
        breakerGauge(d.agency());
    }

    @Override
    public void continuing(ClaimedDelivery d) {
        logContext(d);
    }

    /** The log context is the bean's to set: Camel's MDC logging is off (see LogContextUnitOfWork). */
    private static void logContext(ClaimedDelivery d) {
        if (d.correlationId() != null) {
            MDC.put(CORRELATION_ID, d.correlationId());
        }
        MDC.put(DELIVERY_ID, d.id().toString());
        MDC.put(AGENCY, d.agency());
    }

    @Override
    public void quotaChecked(ClaimedDelivery d, long nanos) {
        quotaCheck.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void quotaRejected(ClaimedDelivery d) {
        quotaRejections.computeIfAbsent(d.agency(), a -> Counter.builder("relay.quota.rejections")
                .description("Deliveries deferred because the agency's hour or day quota was full")
                .tag("agency", a).register(registry)).increment();
    }

    @Override
    public void attempted(ClaimedDelivery d, String outcome, Integer httpStatus, long nanos) {
        logContext(d);
        attempts.computeIfAbsent(d.agency() + '\n' + outcome, k -> Counter.builder("relay.deliveries")
                .description("Delivery attempts by agency and outcome (delivered, retryable_failure, network_error, "
                        + "rate_limited, permanent_failure, gone)")
                .tag("agency", d.agency()).tag("outcome", outcome).register(registry)).increment();
        latency.computeIfAbsent(d.agency(), a -> Timer.builder("relay.delivery.attempt")
                .description("Duration of one delivery attempt (sign, POST, answer)")
                .tag("agency", a).publishPercentileHistogram().register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
        transport(d.webhookUrl()).ifPresent(transport -> brokerSend(transport, d.webhookUrl(), outcome));
        if ("delivered".equals(outcome)) {
            TRAIL.debug("Delivery attempt {}: HTTP {} in {} ms", outcome, httpStatus, nanos / 1_000_000);
        } else {
            TRAIL.info("Delivery attempt {}: HTTP {} in {} ms", outcome, httpStatus == null ? "-" : httpStatus,
                    nanos / 1_000_000);
        }
    }

    /** The broker transport of a target (kafka, jms), empty for HTTP. */
    static java.util.Optional<String> transport(String target) {
        int colon = target == null ? -1 : target.indexOf(':');
        String scheme = colon < 0 ? "" : target.substring(0, colon);
        return scheme.isEmpty() || scheme.equals("http") || scheme.equals("https")
                ? java.util.Optional.empty() : java.util.Optional.of(scheme);
    }

    private void brokerSend(String transport, String target, String outcome) {
        transportSends.computeIfAbsent(target + '\n' + outcome, k -> Counter.builder("relay.transport.sends")
                .description("Sends to broker targets (Kafka topics, JMS queues) by target and outcome; "
                        + "every outcome but delivered is a failed send")
                .tag("transport", transport).tag("target", target).tag("outcome", outcome)
                .register(registry)).increment();
        Map<String, Object> last = brokerTargets.computeIfAbsent(target, t -> new ConcurrentHashMap<>());
        last.put("transport", transport);
        last.put("lastOutcome", outcome);
        last.put("lastAt", java.time.Instant.now().toString());
        if (!"delivered".equals(outcome)) {
            last.merge("failures", 1L, (a, b) -> (Long) a + (Long) b);
        }
    }

    /** Each broker target this instance sent to: transport, last outcome and time, failed sends. */
    public Map<String, Map<String, Object>> brokerTargets() {
        return new java.util.TreeMap<>(brokerTargets);
    }

    /** 0 closed, 1 open, 2 half-open, 3 other (disabled, forced, metrics-only). */
    private void breakerGauge(String agency) {
        breakerGauges.computeIfAbsent(agency, a -> Gauge.builder("relay.circuit.breaker.state", breakers,
                        b -> code(b.forAgency(a).getState()))
                .description("Agency circuit breaker: 0 closed, 1 open, 2 half-open, 3 other")
                .tag("agency", a).register(registry));
    }

    private static double code(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> 0;
            case OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 3;
        };
    }
}
