package io.alertrelay.ops;

import io.alertrelay.db.EmbeddedPostgres;
import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Throughput with one and with two relay JVMs on one PostgreSQL (loopback, load generator and
 * receiver in this JVM). Not part of the normal run: {@code mvn test -Dtest=ScaleOutBench -Drelay.bench=true}.
 */
@EnabledIfSystemProperty(named = "relay.bench", matches = "true")
class ScaleOutBench {

    private static final int WARMUP = Integer.getInteger("relay.bench.warmup", 1000);
    private static final int FLAGS = Integer.getInteger("relay.bench.flags", 4000);
    private static final int SENDERS = Integer.getInteger("relay.bench.senders", 32);
    private static final String TOKEN = AdminToken.mint(RelayProcess.JWT_SECRET);
    private static final Map<String, String> SETTINGS = settings();
    /** Pacing lifted; -Drelay.bench.extra=k=v,k=v adds settings (e.g. to compare with a feature off). */
    private static Map<String, String> settings() {
        Map<String, String> out = new java.util.HashMap<>(Map.of(
                "relay.delivery.pace.requests-per-period", "100000",
                "relay.delivery.poll-interval-ms", "500"));
        for (String pair : System.getProperty("relay.bench.extra", "").split(",")) {
            if (pair.contains("=")) {
                out.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        return out;
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Test
    void oneInstance() throws Exception {
        measure(1);
    }

    @Test
    void twoInstances() throws Exception {
        measure(2);
    }

    private void measure(int instances) throws Exception {
        String db = TestDatabase.newDatabase();
        try (AgencyReceiver agencies = new AgencyReceiver()) {
            List<RelayProcess> relays = new ArrayList<>();
            try {
                for (int i = 0; i < instances; i++) {
                    relays.add(RelayProcess.start(db, agencies.url(""), SETTINGS).awaitReady(Duration.ofSeconds(90)));
                }
                try (var c = DriverManager.getConnection(db, EmbeddedPostgres.USER, ""); var s = c.createStatement()) {
                    s.execute("UPDATE agency_rate_limits SET alerts_per_hour = 10000000, alerts_per_day = 10000000");
                }
                run(relays, WARMUP);
                await().atMost(Duration.ofSeconds(120)).until(() -> agencies.received().size() >= WARMUP);
                int before = agencies.received().size();
                Map<String, Double> cpuBefore = cpu(relays);
                long start = System.nanoTime();
                int accepted = run(relays, FLAGS);
                double acceptSeconds = (System.nanoTime() - start) / 1e9;
                await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(20))
                        .until(() -> agencies.received().size() >= before + accepted);
                double deliverSeconds = (System.nanoTime() - start) / 1e9;
                Map<String, Double> cpuAfter = cpu(relays);
                assertThat(accepted).isEqualTo(FLAGS);
                System.out.printf("BENCH cpu ms per flag: relays %.2f, postgres %.2f, load generator+receiver %.2f; "
                                + "wall %.1f s on %d cores%n",
                        (cpuAfter.get("relays") - cpuBefore.get("relays")) * 1000 / accepted,
                        (cpuAfter.get("postgres") - cpuBefore.get("postgres")) * 1000 / accepted,
                        (cpuAfter.get("self") - cpuBefore.get("self")) * 1000 / accepted, deliverSeconds,
                        Runtime.getRuntime().availableProcessors());
                System.out.printf("BENCH instances=%d flags=%d senders=%d accepted/s=%.0f delivered/s=%.0f "
                                + "(accept %.1f s, all delivered after %.1f s) load=%s%n",
                        instances, FLAGS, SENDERS, accepted / acceptSeconds, accepted / deliverSeconds, acceptSeconds,
                        deliverSeconds, java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim());
            } finally {
                relays.forEach(RelayProcess::close);
            }
        }
    }

    /** CPU seconds used so far by the relay JVMs, this run's PostgreSQL (our other descendants) and this JVM. */
    private static Map<String, Double> cpu(List<RelayProcess> relays) {
        java.util.Set<Long> relayPids = new java.util.HashSet<>();
        relays.forEach(r -> relayPids.add(r.pid()));
        double relaysCpu = 0;
        double postgres = 0;
        for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
            double seconds = p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
            if (relayPids.contains(p.pid())) {
                relaysCpu += seconds;
            } else {
                postgres += seconds;
            }
        }
        double self = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        return Map.of("relays", relaysCpu, "postgres", postgres, "self", self);
    }

    /** Food flags (one delivery each, to FIRS) spread round-robin over the instances; returns the 202 count. */
    private int run(List<RelayProcess> relays, int flags) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        String body = "{\"reason\":\"counterfeit\",\"severity\":\"high\"}";
        for (int t = 0; t < SENDERS; t++) {
            senders.submit(() -> {
                for (int i = next.getAndIncrement(); i < flags; i = next.getAndIncrement()) {
                    RelayProcess relay = relays.get(i % relays.size());
                    HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(relay.baseUrl() + "/api/codes/"
                                    + String.format("DEMO-FOOD-%04d", 1 + i % 500) + "/flag"))
                            .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 202) {
                        accepted.incrementAndGet();
                    }
                }
                return null;
            });
        }
        senders.shutdown();
        senders.awaitTermination(300, TimeUnit.SECONDS);
        return accepted.get();
    }
}
