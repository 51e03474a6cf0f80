package io.alertrelay.bench;

import com.standardwebhooks.Webhook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agencies' endpoint: verifies every request's signature with the Standard Webhooks library and
 * records the first arrival of each (flag, agency), on Vert.x's HTTP server with one event loop of its
 * own. (The JDK's HttpServer handed each request from its dispatcher to a pool thread: two thread
 * switches per delivery, on the same two cores as the relay.)
 */
final class VerifyingReceiver implements AutoCloseable {
    /** A flag id in a body (the relay's 202 answer or a delivery). */
    static final Pattern FLAG_ID = Pattern.compile("\"flagId\":\"([0-9a-f-]{36})\"");
    /** The phase a delivery belongs to: the prefix of its product code. */
    private static final Pattern CODE = Pattern.compile("\"code\":\"(BENCH-[A-Z]+)-");
    private static final io.vertx.core.buffer.Buffer ANSWER =
            io.vertx.core.buffer.Buffer.buffer("{\"caseNumber\":\"BENCH\"}");
    private final io.vertx.core.Vertx vertx;
    private final io.vertx.core.http.HttpServer server;
    private volatile Map<String, Webhook> verifiers = Map.of();
    private final Map<String, long[]> acceptedAt = new ConcurrentHashMap<>(); // flagId -> {accepted, due}
    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();     // flagId|agency -> nanos
    private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> verified = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> unverified = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> duplicates = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastArrival = new ConcurrentHashMap<>();
    private final Map<String, List<String>> arrivalKeys = new ConcurrentHashMap<>();

    VerifyingReceiver() throws Exception {
        vertx = io.vertx.core.Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1)
                .setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        server = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setHost("127.0.0.1").setPort(0)
                        .setTcpNoDelay(true).setAcceptBacklog(1024))
                .requestHandler(this::handle)
                .listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    String url(String agency) {
        return "http://127.0.0.1:" + server.actualPort() + "/agency/" + agency;
    }

    void secrets(Map<String, String> secrets) {
        Map<String, Webhook> v = new HashMap<>();
        secrets.forEach((agency, secret) -> v.put(agency, new Webhook(secret)));
        verifiers = v;
    }

    void expectPhase(String phase) {
        received.putIfAbsent(phase, new AtomicInteger());
        verified.putIfAbsent(phase, new AtomicInteger());
        unverified.putIfAbsent(phase, new AtomicInteger());
        duplicates.putIfAbsent(phase, new AtomicInteger());
        lastArrival.putIfAbsent(phase, new AtomicLong());
        arrivalKeys.putIfAbsent(phase, java.util.Collections.synchronizedList(new ArrayList<>()));
    }

    void accepted(String flagId, long acceptedNanos, long dueNanos) {
        acceptedAt.put(flagId, new long[] {acceptedNanos, dueNanos});
    }

    private void handle(io.vertx.core.http.HttpServerRequest request) {
        long now = System.nanoTime();
        if (!request.path().startsWith("/agency/")) {
            request.response().setStatusCode(404).end();
            return;
        }
        String agency = request.path().substring("/agency/".length());
        request.body().onComplete(read -> {
            if (read.failed()) {
                request.response().setStatusCode(400).end();
                return;
            }
            String body = read.result().toString(StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new HashMap<>();
            request.headers().forEach(h -> headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT),
                    k -> new ArrayList<>()).add(h.getValue()));
            record(now, agency, body, headers);
            request.response().putHeader("Content-Type", "application/json").end(ANSWER);
        });
    }

    private void record(long now, String agency, String body, Map<String, List<String>> headers) {
        Matcher code = CODE.matcher(body);
        String phase = code.find() ? code.group(1) : "other";
        expectPhase(phase);
        received.get(phase).incrementAndGet();
        Webhook verifier = verifiers.get(agency);
        boolean ok = false;
        if (verifier != null) {
            try {
                verifier.verify(body, headers);
                ok = true;
            } catch (Exception e) {
                ok = false;
            }
        }
        (ok ? verified : unverified).get(phase).incrementAndGet();
        Matcher m = FLAG_ID.matcher(body);
        if (m.find()) {
            String key = m.group(1) + "|" + agency;
            if (arrivals.putIfAbsent(key, now) == null) {
                arrivalKeys.get(phase).add(key);
            } else {
                duplicates.get(phase).incrementAndGet();
            }
        }
        lastArrival.get(phase).accumulateAndGet(now, Math::max);
    }

    /** Waits (bounded) until the phase's expected deliveries arrived, then measures them. */
    PhaseDeliveries await(String phase, int expected, Duration limit) throws InterruptedException {
        expectPhase(phase);
        long until = System.nanoTime() + limit.toNanos();
        while (arrivalKeys.get(phase).size() < expected && System.nanoTime() < until) {
            Thread.sleep(50); // a benchmark polling its own counter, not a test synchronising
        }
        Thread.sleep(500); // late duplicates, if any, are counted too
        List<Long> fromAccepted = new ArrayList<>();
        List<Long> fromSend = new ArrayList<>();
        int before202 = 0;
        List<String> keys;
        synchronized (arrivalKeys.get(phase)) {
            keys = new ArrayList<>(arrivalKeys.get(phase));
        }
        for (String key : keys) {
            long[] acc = acceptedAt.get(key.substring(0, key.indexOf('|')));
            if (acc == null) {
                continue;
            }
            long arrived = arrivals.get(key);
            if (arrived < acc[0]) {
                before202++;
            }
            fromAccepted.add(Math.max(0, arrived - acc[0]));
            fromSend.add(arrived - acc[1]);
        }
        return new PhaseDeliveries(keys.size(), received.get(phase).get(), verified.get(phase).get(),
                unverified.get(phase).get(), duplicates.get(phase).get(), fromAccepted, fromSend, before202,
                lastArrival.get(phase).get());
    }

    record PhaseDeliveries(int distinct, int requests, int verified, int unverified, int duplicates,
                           List<Long> fromAccepted, List<Long> fromSend, int before202, long lastArrivalNanos) {
        Map<String, Object> counts(int expected) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("expected", expected);
            m.put("received", distinct);
            m.put("verified", verified);
            m.put("unverified", unverified);
            m.put("requests", requests);
            m.put("duplicates", duplicates);
            m.put("missing", Math.max(0, expected - distinct));
            return m;
        }
    }

    @Override
    public void close() {
        vertx.close();
    }
}
