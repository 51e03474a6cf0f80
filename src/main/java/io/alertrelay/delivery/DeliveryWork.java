package io.alertrelay.delivery;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.quota.AgencyQuota;
import io.alertrelay.security.TargetGuard;
import io.alertrelay.signing.SecretCipher;
import io.alertrelay.signing.StandardWebhookSigner;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The delivery stage's steps, called from routes/delivery.camel.yaml: claim, admit (breaker + quota),
 * sign and prepare the request, record and classify the attempt, and the reactions to failure.
 */
public final class DeliveryWork {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWork.class);
    public static final String DELIVERY = "delivery";
    public static final String AGENCY = "agency";
    public static final String ADMITTED = "admitted";
    /** The seda queue (routes/delivery.camel.yaml) between the poller and the delivery workers. */
    static final String CLAIMED_QUEUE = "seda://deliveries-claimed";
    private static final String STARTED = "attemptStartedNanos";
    private static final String VIA_ENDPOINT = "viaEndpoint";
    private static final String PERMISSION = "breakerPermission";
    private static final String ATTEMPTS_THIS_CLAIM = "attemptsThisClaim";
    private static final int MAX_RESPONSE_CHARS = 64 * 1024;
    private static final int MAX_ERROR_CHARS = 500;

    private final DeliveryStore store;
    private final AgencyQuota quota;
    private final AgencyCircuitBreakers breakers;
    private final StandardWebhookSigner signer;
    private final SecretCipher cipher;
    private final OperationalEvents events;
    private final RetrySchedule schedule;
    private final ObjectMapper json;
    private final Settings settings;
    private volatile DeliveryObserver observer = DeliveryObserver.NONE;
    private final Map<String, String> secretCache = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> headerCache = new ConcurrentHashMap<>();

    /** Tunables of the delivery stage; {@code leaseMargin}: an attempt starts only with this much lease left, else it renews. */
    public record Settings(int pollBatch, Duration handoffGrace, Duration retryAfterMax, int maxAttempts,
                           String defaultCaseNumberField, String userAgent, Duration leaseMargin) {
    }

    public DeliveryWork(DeliveryStore store, AgencyQuota quota, AgencyCircuitBreakers breakers,
                        StandardWebhookSigner signer, SecretCipher cipher, OperationalEvents events,
                        RetrySchedule schedule, ObjectMapper json, Settings settings) {
        this.store = store;
        this.quota = quota;
        this.breakers = breakers;
        this.signer = signer;
        this.cipher = cipher;
        this.events = events;
        this.schedule = schedule;
        this.json = json;
        this.settings = settings;
    }

    /** Operations (metrics, log context) watch the stage through this; none by default. */
    public void observeWith(DeliveryObserver observer) {
        this.observer = observer;
    }

    // ------------------------------------------------------------------ claim

    /**
     * A handed-off delivery: one the intake already leased to this instance goes straight on; an id
     * (events, replays, releases) is claimed first, and the body becomes null if another worker has it.
     */
    public void claimHandedOff(Exchange exchange) throws SQLException {
        Message m = exchange.getMessage();
        Object handedOff = m.getBody();
        if (handedOff instanceof ClaimedDelivery) {
            return;
        }
        UUID uuid = handedOff instanceof UUID u ? u : UUID.fromString(String.valueOf(handedOff));
        m.setBody(store.claim(uuid).orElse(null));
    }

    /**
     * A handed-off delivery travels with its body only (a ClaimedDelivery or an id): the request's
     * headers and the caller's properties go, Camel's own stay. (removeProperties with an exclude
     * pattern matched each of Camel's ~40 internal keys case-insensitively: 5 % of the relay's samples.)
     */
    public void detach(Exchange exchange) {
        exchange.getMessage().getHeaders().clear();
        exchange.getProperties().clear();
        // no one waits for a delivery's reply: as InOut (the HTTP request's pattern) every pipeline the
        // delivery passes would end by copying its message into a new reply message
        exchange.setPattern(org.apache.camel.ExchangePattern.InOnly);
    }

    /**
     * The workers' queue was full: a delivery the intake leased to this instance is released to the
     * poller (of any instance) instead of waiting for its lease to run out. An id handed off unleased
     * needs nothing: the poller claims it after the hand-off grace.
     */
    public void handOffRefused(Exchange exchange) throws SQLException {
        Object handedOff = exchange.getMessage().getBody();
        if (handedOff instanceof ClaimedDelivery leased) {
            store.releaseLease(leased.id());
            LOG.debug("Delivery {} left to the poller: the workers' queue is full", leased.id());
        }
    }

    /**
     * The poller's batch: due deliveries, leased to this instance. It claims only what the workers'
     * queue has room for within one batch: rows leased faster than they are sent would wait in memory
     * past their lease, and another instance would claim and send them too.
     */
    public List<ClaimedDelivery> claimDue(Exchange exchange) throws SQLException {
        int waiting = claimedQueueDepth(exchange.getContext());
        int room = settings.pollBatch() - waiting;
        if (room <= 0) {
            return List.of();
        }
        return store.claimDue(room, settings.handoffGrace());
    }

    /** Exchanges waiting in the workers' queue: SedaComponent keeps its queues by endpoint base URI. */
    private static int claimedQueueDepth(org.apache.camel.CamelContext camel) {
        var queue = camel.getComponent("seda", org.apache.camel.component.seda.SedaComponent.class)
                .getQueues().get(CLAIMED_QUEUE);
        return queue == null ? 0 : queue.getQueue().size();
    }

    // ------------------------------------------------------------------ admit

    /**
     * Lets a claimed delivery through when its agency's breaker is not open and its quota has room.
     * Otherwise it waits: for the breaker without using an attempt, for the quota as `throttled`.
     */
    public void admit(Exchange exchange) throws SQLException {
        ClaimedDelivery d = exchange.getMessage().getBody(ClaimedDelivery.class);
        exchange.setProperty(DELIVERY, d);
        exchange.setProperty(AGENCY, d.agency());
        exchange.setProperty("correlationId", d.correlationId());
        exchange.setProperty(ADMITTED, false);
        observer.admitting(d);
        if (breakers.isOpen(d.agency())) {
            store.reschedule(d.id(), breakers.waitOpen(), 0);
            return;
        }
        if (d.agencyRef().isPresent() && !reserve(d)) {
            Optional<Duration> held = quota.heldElsewhere(d.agencyId());
            if (held.isPresent()) {
                // the counters are full, but another instance's block may give units back: wait for them
                store.reschedule(d.id(), held.get(), 0);
                return;
            }
            observer.quotaRejected(d);
            var until = quota.markThrottled(d.agencyId());
            store.finish(d.id(), "throttled", Optional.of("quota reached; deferred until " + until));
            LOG.info("Agency {} quota reached: delivery {} deferred until {}", d.agency(), d.id(), until);
            return;
        }
        exchange.setProperty(ADMITTED, true);
    }

    private boolean reserve(ClaimedDelivery d) throws SQLException {
        long t0 = System.nanoTime();
        boolean reserved = quota.tryReserve(d.agencyId());
        observer.quotaChecked(d, System.nanoTime() - t0);
        return reserved;
    }

    // ------------------------------------------------------------------ attempt

    /**
     * Starts one attempt: takes a breaker permission (a breaker that opened meanwhile defers the
     * delivery), signs the body with a fresh timestamp and sets the request headers.
     */
    public void prepareAttempt(Exchange exchange) throws SQLException {
        ClaimedDelivery d = exchange.getProperty(DELIVERY, ClaimedDelivery.class);
        observer.continuing(d);
        exchange.removeProperty(Exchange.EXCEPTION_CAUGHT);
        d = withLeaseForAnAttempt(exchange, d);
        CircuitBreaker breaker = breakers.forAgency(d.agency());
        if (!breaker.tryAcquirePermission()) {
            throw new DeliveryFailure.Deferred("circuit breaker open for " + d.agency(), breakers.waitOpen(), false);
        }
        exchange.setProperty(PERMISSION, breaker);
        Message m = exchange.getMessage();
        // a clean request each attempt, but Camel's redelivery bookkeeping must survive
        // (a plain prefix test: removeHeaders' exclude pattern compiles a regex per header that does not match it)
        m.getHeaders().keySet().removeIf(name -> !name.startsWith("CamelRedelivery"));
        long timestamp = Instant.now().getEpochSecond();
        String messageId = d.id().toString();
        customHeaders(d.customHeadersJson()).forEach(m::setHeader);
        m.setHeader(StandardWebhookSigner.ID, messageId);
        m.setHeader(StandardWebhookSigner.TIMESTAMP, String.valueOf(timestamp));
        m.setHeader(StandardWebhookSigner.SIGNATURE, signer.signature(messageId, timestamp, d.payload(), secrets(d)));
        m.setHeader("X-Relay-Agency", d.agency());
        m.setHeader("X-Correlation-Id", d.correlationId());
        m.setHeader("User-Agent", settings.userAgent());
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        // the enum itself: a String here went through Camel's type converter on every request
        m.setHeader(Exchange.HTTP_METHOD, org.apache.camel.component.http.HttpMethods.POST);
        m.setHeader(Exchange.HTTP_URI, d.webhookUrl());
        // a subscription may target a Camel endpoint (file:, ...) instead of an http(s) URL
        exchange.setProperty(VIA_ENDPOINT, !TargetGuard.isHttp(d.webhookUrl()));
        m.setBody(d.payload());
        exchange.setProperty(ATTEMPTS_THIS_CLAIM, exchange.getProperty(ATTEMPTS_THIS_CLAIM, 0, Integer.class) + 1);
        exchange.setProperty(STARTED, System.nanoTime());
    }

    /**
     * Logs the attempt and decides: 2xx delivered; 410 disables the webhook; other 4xx (not 408/429)
     * fail for good; 429 and 503 with Retry-After wait as asked; the rest is retried.
     */
    public void recordAttempt(Exchange exchange) throws SQLException {
        ClaimedDelivery d = exchange.getProperty(DELIVERY, ClaimedDelivery.class);
        observer.continuing(d);
        CircuitBreaker breaker = exchange.getProperty(PERMISSION, CircuitBreaker.class);
        long nanos = System.nanoTime() - exchange.getProperty(STARTED, Long.class);
        long ms = nanos / 1_000_000;
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Message m = exchange.getMessage();
        Integer status = error != null ? null : m.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        AnswerClassification.Verdict verdict = error != null ? AnswerClassification.noAnswer()
                : AnswerClassification.answered(status, m.getHeader("Retry-After", String.class), Instant.now());
        AnswerClassification.Outcome outcome = verdict.outcome();
        String body = error != null ? "" : responseBody(m);
        String text = error != null ? truncate(error.getClass().getSimpleName() + ": " + error.getMessage())
                : truncate("HTTP " + status + (body.isBlank() ? "" : ": " + body));
        if (outcome.breakerFailure()) {
            breaker.onError(nanos, java.util.concurrent.TimeUnit.NANOSECONDS,
                    error != null ? error : new IllegalStateException(text));
        } else {
            breaker.onSuccess(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        if (outcome == AnswerClassification.Outcome.DELIVERED) {
            UUID id = d.id();
            store.recordDelivered(id, status, caseNumber(d, body), ms).whenComplete((recorded, failure) -> {
                if (failure != null) {
                    LOG.warn("Delivery {} was delivered but not recorded ({}): it is sent again when its lease ends",
                            id, failure.getMessage());
                } else if (!recorded) {
                    LOG.warn("Delivery {} was delivered after its lease passed to another instance", id);
                }
            });
            observer.attempted(d, outcome.logged(), status, nanos);
            return;
        }
        store.recordAttempt(d.id(), outcome.status(), outcome.logged(), status, Optional.of(text), Optional.empty(), ms);
        if (outcome == AnswerClassification.Outcome.GONE) {
            store.disableTarget(d);
            events.record(OperationalEvents.WEBHOOK_DISABLED, d.agencyRef(), Optional.of(d.id()),
                    Map.of("agency", d.agency(), "reason", "410 Gone from " + d.webhookUrl()));
        }
        observer.attempted(d, outcome.logged(), status, nanos);
        switch (outcome.next()) {
            case FAIL -> throw new DeliveryFailure.Permanent(text);
            case DEFER -> throw new DeliveryFailure.Deferred(text, verdict.delay().orElseThrow(), false);
            default -> throw new DeliveryFailure.Retryable(text);
        }
    }

    // ------------------------------------------------------------------ reactions (error policy)

    /** Another instance has the delivery now: nothing was sent by this one; give back the quota reservation. */
    public void leaseLost(Exchange exchange) throws SQLException {
        ClaimedDelivery d = exchange.getProperty(DELIVERY, ClaimedDelivery.class);
        observer.continuing(d);
        quota.release(d.agencyId());
        LOG.warn("Delivery {} to {} left to another instance: {}", d.id(), d.agency(), failureText(exchange));
    }

    /** In-process redelivery is used up: reschedule on the durable schedule, or dead-letter. */
    public void reschedule(Exchange exchange) throws SQLException {
        ClaimedDelivery d = exchange.getProperty(DELIVERY, ClaimedDelivery.class);
        observer.continuing(d);
        quota.release(d.agencyId());
        Optional<Duration> delay = schedule.delayFor(d.retryRound());
        String error = failureText(exchange);
        if (delay.isEmpty() || attemptsSoFar(exchange, d) >= settings.maxAttempts()) {
            store.finish(d.id(), "failed", Optional.of(error));
            events.record(OperationalEvents.DELIVERY_EXHAUSTED, d.agencyRef(), Optional.of(d.id()),
                    Map.of("agency", d.agency(), "eventType", d.eventType(), "lastError", error));
            return;
        }
        store.reschedule(d.id(), delay.get(), 1);
        LOG.info("Delivery {} to {} rescheduled in {} (round {}): {}", d.id(), d.agency(), delay.get(),
                d.retryRound() + 1, error);
    }

    /** The agency asked for time (Retry-After, bounded) or its breaker opened: wait, attempts untouched. */
    public void defer(Exchange exchange) throws SQLException {
        ClaimedDelivery d = exchange.getProperty(DELIVERY, ClaimedDelivery.class);
        observer.continuing(d);
        quota.release(d.agencyId());
        DeliveryFailure.Deferred deferred = (DeliveryFailure.Deferred) DeliveryFailure.of(
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)).orElseThrow();
        Duration wait = bounded(deferred.delay());
        if (attemptsSoFar(exchange, d) >= settings.maxAttempts()) {
            store.finish(d.id(), "failed", Optional.of(deferred.getMessage()));
            events.record(OperationalEvents.DELIVERY_EXHAUSTED, d.agencyRef(), Optional.of(d.id()),
                    Map.of("agency", d.agency(), "eventType", d.eventType(), "lastError", deferred.getMessage()));
            return;
        }
        store.reschedule(d.id(), wait, deferred.countsAsRound() ? 1 : 0);
    }

    /** A permanent failure: the attempt already marked it failed; give back the quota reservation. */
    public void failed(Exchange exchange) throws SQLException {
        ClaimedDelivery d = exchange.getProperty(DELIVERY, ClaimedDelivery.class);
        observer.continuing(d);
        quota.release(d.agencyId());
        LOG.warn("Delivery {} to {} failed permanently: {}", d.id(), d.agency(), failureText(exchange));
    }

    // ------------------------------------------------------------------ helpers

    /**
     * An attempt may take up to the HTTP timeout: with less lease left than that (a redelivery, a slow
     * agency, a short lease), the lease is renewed first, so that no other instance sends it meanwhile.
     */
    private ClaimedDelivery withLeaseForAnAttempt(Exchange exchange, ClaimedDelivery d) throws SQLException {
        long left = store.lease().toNanos() - (System.nanoTime() - d.leasedAtNanos());
        if (left >= settings.leaseMargin().toNanos()) {
            return d;
        }
        if (!store.renewLease(d.id())) {
            throw new DeliveryFailure.LeaseLost("its lease ran out and another instance holds it");
        }
        ClaimedDelivery renewed = d.leaseRenewed();
        exchange.setProperty(DELIVERY, renewed);
        return renewed;
    }

    /** Attempts recorded before the claim plus those made since. */
    private static int attemptsSoFar(Exchange exchange, ClaimedDelivery d) {
        return d.attempts() + exchange.getProperty(ATTEMPTS_THIS_CLAIM, 0, Integer.class);
    }

    private Duration bounded(Duration asked) {
        if (asked.isNegative() || asked.isZero()) {
            return Duration.ofSeconds(1);
        }
        return asked.compareTo(settings.retryAfterMax()) > 0 ? settings.retryAfterMax() : asked;
    }

    private List<String> secrets(ClaimedDelivery d) {
        String enc = d.secretEnc().orElseThrow(() -> new DeliveryFailure.Permanent("agency " + d.agency()
                + " has no webhook secret"));
        // during a rotation's grace period the claim returns the current and the previous secret, space-separated
        return java.util.Arrays.stream(enc.split(" ")).map(e -> secretCache.computeIfAbsent(e, cipher::decrypt)).toList();
    }

    private Map<String, String> customHeaders(String jsonText) {
        if (jsonText == null || jsonText.isBlank() || "{}".equals(jsonText)) {
            return Map.of();
        }
        return headerCache.computeIfAbsent(jsonText, t -> {
            try {
                Map<String, String> headers = new java.util.HashMap<>(json.readValue(t, new TypeReference<Map<String, String>>() { }));
                // Camel* headers steer the HTTP producer (CamelHttpUri, CamelHttpPath...): never from stored data,
                // whatever admitted them, so a target cannot be redirected past the SSRF guard
                headers.keySet().removeIf(k -> k.regionMatches(true, 0, "camel", 0, 5));
                return Map.copyOf(headers);
            } catch (Exception e) {
                LOG.warn("Ignoring unreadable custom headers {}", t);
                return Map.of();
            }
        });
    }

    private Optional<String> caseNumber(ClaimedDelivery d, String body) {
        if (body.isBlank()) {
            return Optional.empty();
        }
        String field = d.caseNumberField().orElse(settings.defaultCaseNumberField());
        try {
            JsonNode node = json.readTree(body);
            JsonNode value = node == null ? null : node.get(field);
            return value == null || value.isNull() || value.isContainerNode() ? Optional.empty() : Optional.of(value.asText());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static String responseBody(Message m) {
        Object body = m.getBody();
        try {
            if (body instanceof InputStream in) {
                byte[] bytes = in.readNBytes(MAX_RESPONSE_CHARS);
                return new String(bytes, StandardCharsets.UTF_8);
            }
            String text = m.getBody(String.class);
            return text == null ? "" : text.length() > MAX_RESPONSE_CHARS ? text.substring(0, MAX_RESPONSE_CHARS) : text;
        } catch (Exception e) {
            return "";
        }
    }

    private static String failureText(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return t == null ? "unknown failure" : truncate(t.getMessage());
    }

    private static String truncate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > MAX_ERROR_CHARS ? s.substring(0, MAX_ERROR_CHARS) + "…" : s;
    }
}
