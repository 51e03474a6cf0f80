package io.alertrelay.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A Prometheus of the bench's own: GET /observe/metrics every 15 s (Prometheus' default interval) from before the
 * warm-up to the end, HTTP/1.1 as Prometheus asks, as a deployed relay is scraped. A relay's first scrapes take
 * branches of its HTTP path that flags never take (an Accept list, produces matching, a blocking handler) and load
 * classes no flag needs; made first in the middle of a measured phase, that made the JIT drop and recompile the hot
 * HTTP code (182 methods made not entrant, C2 at 50-80 % of a core for 2.5 s, the ingest phase's first second at
 * p99 100-200 ms). A relay in service has been scraped all along.
 */
final class MetricsScraper implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofSeconds(15);
    /** What Prometheus 2.x sends (the relay answers it in OpenMetrics). */
    static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    private final Options opt;
    private final String token;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "metrics-scraper");
        t.setDaemon(true);
        return t;
    });
    private final List<Long> durations = new ArrayList<>();
    private int failed;

    MetricsScraper(Options opt, String token) {
        this.opt = opt;
        this.token = token;
    }

    /** Scrapes now, then every {@link #INTERVAL}. */
    void start() {
        timer.scheduleAtFixedRate(() -> {
            try {
                scrape();
            } catch (Exception e) {
                synchronized (durations) {
                    failed++;
                }
            }
        }, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One scrape: the exposition text, timed among the periodic ones. */
    String scrape() throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(opt.url() + "/observe/metrics"))
                .timeout(Duration.ofSeconds(10)).header("Accept", PROMETHEUS_ACCEPT);
        if (!token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        long t0 = System.nanoTime();
        HttpResponse<String> answer = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        synchronized (durations) {
            durations.add(System.nanoTime() - t0);
        }
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("/observe/metrics answered " + answer.statusCode());
        }
        return answer.body();
    }

    /** Round trips of the scrapes so far (ms), and how many failed. */
    Map<String, Object> summary() {
        synchronized (durations) {
            Map<String, Object> out = new LinkedHashMap<>(Percentiles.of(durations));
            out.put("failed", failed);
            return out;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
