import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.standardwebhooks.Webhook;
import io.alertrelay.signing.SecretCipher;
import io.alertrelay.signing.WebhookSecrets;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Alert Relay benchmark (SPEC §10), run by bench/run.sh against a relay it started on a fresh
 * embedded database. In one JVM, so send, 202 and arrival times share one clock:
 * <ol>
 *   <li>points the demo agencies at an in-process receiver (TCP_NODELAY) that verifies every
 *       Standard Webhooks signature with the reference library, lifts their quotas and adds a bench
 *       catalogue (one fresh code per flag);</li>
 *   <li>measures the machine's ceilings: pgbench single-row INSERT commits and wrk against a trivial
 *       endpoint, both at the throughput phase's client count;</li>
 *   <li>drives flags: warm-up, fixed rates (open loop, latency from the intended send time) and a
 *       fixed concurrency (closed loop, wrk);</li>
 *   <li>prints a table and writes JSON.</li>
 * </ol>
 */
public class RelayBench {

    private static final Pattern FLAG_ID = Pattern.compile("\"flagId\":\"([0-9a-f-]{36})\"");
    private static final Pattern CODE = Pattern.compile("\"code\":\"(BENCH-[A-Z]+)-");
    private static final Pattern AGENCIES = Pattern.compile("\"agencies\":\\[([^\\]]*)\\]");
    private static final List<String> AGENCY_NAMES = List.of("NAFDAC", "FIRS", "NAFDAC-COSMETICS");
    /** Category letter in bench codes -> category. */
    private static final Map<String, String> CATEGORIES = Map.of("D", "drugs", "F", "food", "C", "cosmetics", "O", "other");

    // ------------------------------------------------------------------ options

    record Options(String url, String dbUrl, long pid, String jwtSecret, String masterKey, Path out, int warmupSeconds,
                   int seconds, int e2eRate, int ingestRate, int concurrency, int ceilingSeconds, String wrk,
                   String pgbench, int quotaProbes, String label, boolean profile, boolean check) {

        static Options parse(String[] args) {
            Map<String, String> o = new HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            }
            if (!o.containsKey("db-url") || !o.containsKey("pid")) {
                System.err.println("usage: bench/run.sh (RelayBench is started by it)");
                System.exit(2);
            }
            return new Options(o.getOrDefault("url", "http://127.0.0.1:8080"), o.get("db-url"),
                    Long.parseLong(o.get("pid")), o.getOrDefault("jwt-secret", ""), o.getOrDefault("master-key", ""),
                    Path.of(o.getOrDefault("out", "bench/results")), Integer.parseInt(o.getOrDefault("warmup", "10")),
                    Integer.parseInt(o.getOrDefault("seconds", "20")), Integer.parseInt(o.getOrDefault("e2e-rate", "500")),
                    Integer.parseInt(o.getOrDefault("ingest-rate", "1000")),
                    Integer.parseInt(o.getOrDefault("concurrency", "32")),
                    Integer.parseInt(o.getOrDefault("ceiling-seconds", "10")), o.getOrDefault("wrk", ""),
                    o.getOrDefault("pgbench", ""), Integer.parseInt(o.getOrDefault("quota-probes", "2000")),
                    o.getOrDefault("label", ""), "1".equals(o.get("profile")), "1".equals(o.get("check")));
        }
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            // the Vert.x sender and receiver threads would keep the JVM (and bench/run.sh, and so the relay) running
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        Options opt = Options.parse(args);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("startedAt", Instant.now().toString());
        report.put("machine", machine());
        report.put("settings", Map.of("warmupSeconds", opt.warmupSeconds(), "phaseSeconds", opt.seconds(),
                "e2eRate", opt.e2eRate(), "ingestRate", opt.ingestRate(), "concurrency", opt.concurrency(),
                "ceilingSeconds", opt.ceilingSeconds(), "label", opt.label()));
        String token = jwt(opt.jwtSecret());
        int codesPerCategory = Math.max(1000, Math.max(opt.e2eRate(), opt.ingestRate()) * opt.seconds() / 3 + 1000);
        // the warm-up runs at the e2e rate: per-flag code must be called ~15,000 times before C2 compiles it, and a
        // warm-up of 7,500 flags (half the rate, 30 s) left the compilations to the first measured phase (jstat)
        int warmupRate = Math.max(100, opt.e2eRate());
        int warmupCodes = Math.max(1000, warmupRate * opt.warmupSeconds() + 1000);
        int thruCodes = Math.max(5000, opt.concurrency() * 1500 * opt.seconds() / 30);

        try (Receiver receiver = new Receiver();
             Sampler sampler = new Sampler(opt.pid(), postmaster(opt.dbUrl()))) {
            Map<String, String> secrets = setUp(opt, receiver, codesPerCategory, thruCodes, warmupCodes);
            receiver.secrets(secrets);
            sampler.start();

            // ---- the ceilings first, the relay idle; then the warm-up (JIT, pools, connections), not
            // reported, right before the measured phases (pgbench's 100,000s of commits leave checkpoint
            // and vacuum work behind, which the warm-up absorbs instead of the first measured phase)
            Map<String, Object> ceilings = new LinkedHashMap<>();
            ceilings.put("pgbenchInsert", pgbench(opt));
            ceilings.put("httpTrivial", wrkTrivial(opt, token));
            report.put("ceilings", ceilings);
            Load load = new Load(opt, token, receiver, sampler);
            load.fixedRate("warmup", warmupRate, opt.warmupSeconds(), "W", List.of("C"), "critical", warmupCodes);

            List<Map<String, Object>> phases = new ArrayList<>();
            phases.add(load.fixedRate("e2e", opt.e2eRate(), opt.seconds(), "E", List.of("C"), "critical",
                    codesPerCategory));
            phases.add(load.fixedRate("ingest", opt.ingestRate(), opt.seconds(), "I", List.of("D", "F", "C"), "high",
                    codesPerCategory));
            // the same rate with flags no agency hears of: the intake's latency when it has the machine to itself
            phases.add(load.fixedRate("ingest-only", opt.ingestRate(), opt.seconds(), "N", List.of("O"), "high",
                    codesPerCategory));
            phases.add(load.throughput("throughput", opt.concurrency(), opt.seconds(), "T", List.of("D", "F", "C"),
                    thruCodes));
            // the intake on its own: flags of a category no agency hears of (recorded, no deliveries)
            phases.add(load.throughput("intake", opt.concurrency(), opt.seconds(), "O", List.of("O"), thruCodes));
            report.put("phases", phases);
            report.put("quotaCheck", Map.of("inPipeline", load.quotaInPipeline(), "underLoad", load.quotaUnderLoad(),
                    "idle", quotaIdle(opt)));
            report.put("serverSide", serverSide(opt));
            report.put("ratios", ratios(ceilings, phases));
            report.put("targets", targets(report, phases));
            if (opt.profile()) {
                report.put("topStatements", topStatements(opt));
            }
            report.put("finishedAt", Instant.now().toString());
        }
        Files.createDirectories(opt.out());
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path file = opt.out().resolve(stamp + (opt.label().isEmpty() ? "" : "-" + opt.label()) + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
        printTable(report);
        System.out.println("\nJSON: " + file);
        List<String> problems = problems(report);
        if (opt.check() && !problems.isEmpty()) {
            // --check (bench/run.sh --smoke, run by CI): the benchmark must still work end to end; no timing is judged
            System.out.println("bench check FAILED:");
            problems.forEach(p -> System.out.println("  - " + p));
            System.exit(3);
        }
        System.exit(0);
    }

    /** What makes a run broken, whatever its speed: refused or lost flags, missing or unverifiable deliveries. */
    @SuppressWarnings("unchecked")
    static List<String> problems(Map<String, Object> report) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> p : (List<Map<String, Object>>) report.get("phases")) {
            String name = String.valueOf(p.get("name"));
            if (p.get("notAccepted") instanceof Number n && n.longValue() > 0) {
                out.add(name + ": " + n + " flags not answered 202");
            }
            if (p.get("accepted") instanceof Number a && p.get("durableFlags") instanceof Number d
                    && d.longValue() < a.longValue()) {
                out.add(name + ": " + a + " flags accepted but only " + d + " in the database");
            }
            if (p.get("deliveries") instanceof Map<?, ?> d) {
                for (String k : List.of("missing", "unverified")) {
                    if (d.get(k) instanceof Number n && n.longValue() > 0) {
                        out.add(name + ": " + n + " deliveries " + k);
                    }
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ set-up

    /** Agencies to our receiver with fresh secrets, quotas out of the way, a bench catalogue. */
    private static Map<String, String> setUp(Options opt, Receiver receiver, int perCategory, int thruCodes,
                                             int warmupCodes)
            throws Exception {
        SecretCipher cipher = new SecretCipher(opt.masterKey());
        Map<String, String> secrets = new HashMap<>();
        try (Connection c = DriverManager.getConnection(opt.dbUrl(), "relay", "")) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE agencies SET webhook_url = ?, webhook_active = true, "
                    + "secret_enc = ? WHERE name = ?")) {
                for (String a : AGENCY_NAMES) {
                    String secret = WebhookSecrets.generate();
                    secrets.put(a, secret);
                    ps.setString(1, receiver.url(a));
                    ps.setString(2, cipher.encrypt(secret));
                    ps.setString(3, a);
                    if (ps.executeUpdate() != 1) {
                        throw new IllegalStateException("demo agency " + a + " missing: is RELAY_DEMO_DATA on?");
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE agency_rate_limits SET alerts_per_hour = 2000000000, alerts_per_day = 2000000000, "
                        + "hour_count = 0, day_count = 0, throttled_until = NULL");
                for (Map.Entry<String, String> cat : CATEGORIES.entrySet()) {
                    s.executeUpdate("INSERT INTO manufacturers (name, category, country) VALUES ('Bench " + cat.getValue()
                            + "', '" + cat.getValue() + "', 'NG') ON CONFLICT (name) DO NOTHING");
                    s.executeUpdate("INSERT INTO products (manufacturer_id, name, registration_number) "
                            + "SELECT id, 'Bench product', 'BENCH-REG' FROM manufacturers WHERE name = 'Bench "
                            + cat.getValue() + "' ON CONFLICT DO NOTHING");
                    s.executeUpdate("INSERT INTO batches (product_id, batch_number, expires_on) SELECT p.id, 'B1', "
                            + "current_date + 365 FROM products p JOIN manufacturers m ON m.id = p.manufacturer_id "
                            + "WHERE m.name = 'Bench " + cat.getValue() + "' ON CONFLICT DO NOTHING");
                }
                for (String phase : List.of("W", "E", "I", "N", "T", "O")) {
                    int n = phase.equals("T") || phase.equals("O") ? thruCodes : phase.equals("W") ? warmupCodes
                            : perCategory;
                    for (String letter : phase.equals("O") || phase.equals("N") ? List.of("O") : List.of("D", "F", "C")) {
                        s.executeUpdate("INSERT INTO product_codes (code, batch_id) SELECT format('BENCH-" + phase + "-"
                                + letter + "-%s', lpad(g::text, 6, '0')), b.id FROM generate_series(1, " + n + ") g, "
                                + "batches b JOIN products p ON p.id = b.product_id JOIN manufacturers m ON "
                                + "m.id = p.manufacturer_id WHERE m.name = 'Bench " + CATEGORIES.get(letter)
                                + "' ON CONFLICT (code) DO NOTHING");
                    }
                }
                s.execute("ANALYZE");
            }
        }
        return secrets;
    }

    // ------------------------------------------------------------------ ceilings

    private static Map<String, Object> pgbench(Options opt) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        if (opt.pgbench().isEmpty()) {
            out.put("skipped", "pgbench not found");
            return out;
        }
        URI db = URI.create(opt.dbUrl().substring("jdbc:".length()));
        try (Connection c = DriverManager.getConnection(opt.dbUrl(), "relay", ""); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_ceiling");
            s.execute("CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, payload text NOT NULL, "
                    + "created_at timestamptz NOT NULL DEFAULT now())");
            try (ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
                rs.next();
                out.put("synchronousCommit", rs.getString(1));
            }
            try (ResultSet rs = s.executeQuery("SHOW fsync")) {
                rs.next();
                out.put("fsync", rs.getString(1));
            }
        }
        Path script = Files.createTempFile("bench-insert", ".sql");
        Files.writeString(script, "INSERT INTO bench_ceiling (payload) VALUES ('a single-row insert, one commit');\n");
        List<String> cmd = List.of(opt.pgbench(), "-n", "-h", db.getHost(), "-p", String.valueOf(db.getPort()),
                "-U", "relay", "-c", String.valueOf(opt.concurrency()), "-j", "2", "-T",
                String.valueOf(opt.ceilingSeconds()), "-f", script.toString(), db.getPath().substring(1));
        System.out.println("ceiling: pgbench -c " + opt.concurrency() + " -j 2 -T " + opt.ceilingSeconds()
                + " (one-row INSERT per transaction) against the relay's own database");
        String text = run(cmd, opt.ceilingSeconds() + 60);
        out.put("clients", opt.concurrency());
        out.put("seconds", opt.ceilingSeconds());
        out.put("tps", number(text, "tps = ([0-9.]+)"));
        out.put("latencyAvgMs", number(text, "latency average = ([0-9.]+) ms"));
        try (Connection c = DriverManager.getConnection(opt.dbUrl(), "relay", ""); Statement s = c.createStatement()) {
            s.execute("DROP TABLE bench_ceiling");
        }
        Files.deleteIfExists(script);
        return out;
    }

    private static Map<String, Object> wrkTrivial(Options opt, String token) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        if (opt.wrk().isEmpty()) {
            out.put("skipped", "wrk not found");
            return out;
        }
        Path script = Files.createTempFile("bench-trivial", ".lua");
        Files.writeString(script, WRK_DONE);
        // a route that answers a constant: Vert.x, the worker hand-off and a Camel exchange, nothing else
        String target = opt.url() + "/bench/ping";
        List<String> cmd = new ArrayList<>(List.of(opt.wrk(), "-t", "2", "-c", String.valueOf(opt.concurrency()), "-d",
                opt.ceilingSeconds() + "s", "-s", script.toString()));
        if (!token.isEmpty()) {
            cmd.addAll(List.of("-H", "Authorization: Bearer " + token));
        }
        cmd.add(target);
        List<String> warm = new ArrayList<>(cmd);
        warm.set(warm.indexOf(opt.ceilingSeconds() + "s"), Math.max(1, opt.ceilingSeconds() / 4) + "s");
        run(warm, opt.ceilingSeconds() + 60);
        System.out.println("ceiling: wrk -t 2 -c " + opt.concurrency() + " -d " + opt.ceilingSeconds() + "s " + target);
        Map<String, Object> parsed = wrkResult(run(cmd, opt.ceilingSeconds() + 60));
        out.put("endpoint", "GET /bench/ping (a bench-only route answering a constant)");
        out.put("connections", opt.concurrency());
        out.putAll(parsed);
        Files.deleteIfExists(script);
        return out;
    }

    /** wrk's done() hook: one machine-readable line. */
    private static final String WRK_DONE = """
            done = function(summary, latency, requests)
              local e = summary.errors
              io.write(string.format("WRKRESULT requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d "
                .. "connect=%d read=%d write=%d status=%d timeout=%d\\n",
                summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
                latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
            end
            """;

    private static Map<String, Object> wrkResult(String text) {
        Matcher m = Pattern.compile("WRKRESULT requests=(\\d+) duration_us=(\\d+) p50_us=(\\d+) p95_us=(\\d+) "
                + "p99_us=(\\d+) max_us=(\\d+) connect=(\\d+) read=(\\d+) write=(\\d+) status=(\\d+) timeout=(\\d+)")
                .matcher(text);
        Map<String, Object> out = new LinkedHashMap<>();
        if (!m.find()) {
            out.put("error", "no wrk result in: " + text);
            return out;
        }
        long requests = Long.parseLong(m.group(1));
        double seconds = Long.parseLong(m.group(2)) / 1e6;
        out.put("requests", requests);
        out.put("non2xx", Long.parseLong(m.group(10)));
        out.put("socketErrors", Long.parseLong(m.group(7)) + Long.parseLong(m.group(8)) + Long.parseLong(m.group(9))
                + Long.parseLong(m.group(11)));
        out.put("seconds", round(seconds));
        out.put("perSecond", round(requests / seconds));
        out.put("p50Ms", round(Long.parseLong(m.group(3)) / 1e3));
        out.put("p95Ms", round(Long.parseLong(m.group(4)) / 1e3));
        out.put("p99Ms", round(Long.parseLong(m.group(5)) / 1e3));
        out.put("maxMs", round(Long.parseLong(m.group(6)) / 1e3));
        return out;
    }

    // ------------------------------------------------------------------ load

    /** The phases that drive flags; each reports ingest, deliveries, and the relay's CPU and memory. */
    static final class Load {
        private final Options opt;
        private final String token;
        private final Receiver receiver;
        private final Sampler sampler;
        private final HttpClient client;
        private final List<Long> quotaUnderLoad = new ArrayList<>();

        Load(Options opt, String token, Receiver receiver, Sampler sampler) {
            this.opt = opt;
            this.token = token;
            this.receiver = receiver;
            this.sampler = sampler;
            // only for reading the relay's metrics once per run
            this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            // the fixed-rate sender: Vert.x's HTTP client on one event loop, keep-alive, pooled connections.
            // The JDK client used before cost the bench about half a core at 1,000 requests/s, taken
            // from the relay on this 2-core machine.
            this.vertx = io.vertx.core.Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1)
                    .setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
            URI base = URI.create(opt.url());
            this.http = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
                    .setDefaultHost(base.getHost()).setDefaultPort(base.getPort()).setKeepAlive(true)
                    .setTcpNoDelay(true).setConnectTimeout(5000),
                    new io.vertx.core.http.PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1));
        }

        private final io.vertx.core.Vertx vertx;
        private final io.vertx.core.http.HttpClient http;

        /** POSTs a flag; {@code done} gets the status (-1 on an error) and the body, on the event loop. */
        private void sendFlag(String code, String severity, java.util.function.BiConsumer<Integer, String> done) {
            io.vertx.core.http.RequestOptions request = new io.vertx.core.http.RequestOptions()
                    .setMethod(io.vertx.core.http.HttpMethod.POST).setURI("/api/codes/" + code + "/flag")
                    .setIdleTimeout(30_000).putHeader("Content-Type", "application/json");
            if (!token.isEmpty()) {
                request.putHeader("Authorization", "Bearer " + token);
            }
            String body = "{\"reason\":\"counterfeit\",\"severity\":\"" + severity + "\",\"note\":\"bench\"}";
            // exactly one answer per request: the response, an error, or this watchdog
            AtomicBoolean answered = new AtomicBoolean();
            long watchdog = vertx.setTimer(40_000, id -> {
                if (answered.compareAndSet(false, true)) {
                    done.accept(-1, "no answer within 40 s");
                }
            });
            // issued on the client's own event loop: issued from this (foreign) thread, about one response in
            // 10,000 never reached its callback although the relay had committed the flag
            vertx.runOnContext(v -> http.request(request)
                    .compose(r -> r.send(body))
                    .compose(r -> r.body().map(b -> Map.entry(r.statusCode(), b.toString())))
                    .onComplete(ar -> {
                        if (!answered.compareAndSet(false, true)) {
                            return;
                        }
                        vertx.cancelTimer(watchdog);
                        if (ar.succeeded()) {
                            done.accept(ar.result().getKey(), ar.result().getValue());
                        } else {
                            done.accept(-1, String.valueOf(ar.cause()));
                        }
                    }));
        }

        /**
         * Open loop: request i is due at start + i/rate whatever happened to earlier ones; its ingest
         * latency counts from that due time (no coordinated omission).
         */
        Map<String, Object> fixedRate(String name, int rate, int seconds, String phase, List<String> letters,
                                      String severity, int codesPerCategory) throws Exception {
            int total = rate * seconds;
            System.out.printf(Locale.ROOT, "phase %-10s %d flags at %d/s (%s, severity %s), from %s%n", name, total,
                    rate, letters, severity, Instant.now());
            receiver.expectPhase("BENCH-" + phase);
            long[] due = new long[total];
            long[] answered = new long[total];
            int[] agencies = new int[total];
            String[] flagIds = new String[total];
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger other = new AtomicInteger();
            AtomicLong maxLag = new AtomicLong();
            CountDownLatch done = new CountDownLatch(total);
            // at most this many requests in flight: a stalled relay must not make the client open
            // thousands of connections (a late send still counts its latency from its due time)
            java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(256);
            // the grant statement's round trip under load, probed during the ingest phase: in the e2e phase its 100
            // extra transactions a second on an agency's row would weigh on the end-to-end figures it sits beside
            AtomicBoolean probing = new AtomicBoolean(name.equals("ingest"));
            Thread probe = probing.get() ? quotaProbe(probing) : null;
            Sampler.Mark mark = sampler.mark();
            long start = System.nanoTime() + 20_000_000L;
            long interval = 1_000_000_000L / rate;
            for (int i = 0; i < total; i++) {
                String letter = letters.get(i % letters.size());
                String code = String.format(Locale.ROOT, "BENCH-%s-%s-%06d", phase, letter,
                        1 + (i / letters.size()) % codesPerCategory);
                due[i] = start + i * interval;
                long wait;
                while ((wait = due[i] - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                inFlight.acquireUninterruptibly();
                maxLag.accumulateAndGet(System.nanoTime() - due[i], Math::max);
                int n = i;
                sendFlag(code, severity, (status, body) -> {
                    answered[n] = System.nanoTime();
                    inFlight.release();
                    if (status == 202) {
                        Matcher m = FLAG_ID.matcher(body);
                        if (m.find()) {
                            flagIds[n] = m.group(1);
                            receiver.accepted(m.group(1), answered[n], due[n]);
                        }
                        Matcher a = AGENCIES.matcher(body);
                        agencies[n] = a.find() && !a.group(1).isBlank() ? a.group(1).split(",").length : 0;
                        accepted.incrementAndGet();
                    } else if (other.incrementAndGet() <= 3) {
                        System.err.println("  not accepted: " + (status < 0 ? body : status + " " + body));
                    }
                    done.countDown();
                });
            }
            done.await(seconds + 60L, TimeUnit.SECONDS);
            long end = 0;
            for (int i = 0; i < total; i++) {
                if (flagIds[i] != null) {
                    end = Math.max(end, answered[i]); // the rate is of accepted flags, not of a watchdog's wait
                }
            }
            probing.set(false);
            if (probe != null) {
                probe.join();
            }
            Sampler.Usage usage = sampler.since(mark);
            int expected = 0;
            List<Long> ingest = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                if (flagIds[i] != null) {
                    expected += agencies[i];
                    ingest.add(answered[i] - due[i]);
                }
            }
            // the outbox is the truth: a flag whose 202 timed out at the client may still have committed
            int outbox = (int) countDeliveries(phase);
            Receiver.PhaseDeliveries deliveries = receiver.await("BENCH-" + phase, outbox, Duration.ofSeconds(120));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", name);
            out.put("mode", "fixed rate (open loop)");
            out.put("targetRate", rate);
            out.put("seconds", seconds);
            out.put("categories", letters.stream().map(CATEGORIES::get).toList());
            out.put("agenciesPerFlag", total == 0 ? 0 : round((double) expected / Math.max(1, accepted.get())));
            out.put("sent", total);
            out.put("accepted", accepted.get());
            out.put("notAccepted", other.get());
            out.put("acceptedPerSecond", round(accepted.get() / ((end - start) / 1e9)));
            out.put("maxSendLagMs", round(maxLag.get() / 1e6));
            out.put("ingestMs", percentiles(ingest));
            out.put("endToEndMs", percentiles(deliveries.fromAccepted()));
            out.put("endToEndFromSendMs", percentiles(deliveries.fromSend()));
            out.put("deliveredBefore202", deliveries.before202());
            long durable = countFlags(phase);
            out.put("durableFlags", durable);
            out.put("deliveries", deliveries.counts(outbox));
            out.put("resources", usage.toMap());
            out.put("cpuMsPerFlag", usage.perFlag(durable));
            if (name.equals("e2e")) {
                quotaInPipeline = relayQuotaCheck();
            }
            return out;
        }

        /**
         * The relay's own timer of each delivery's quota check (relay_quota_check_seconds at /observe/metrics:
         * client-side percentiles over the last minutes, so read right after the e2e phase).
         */
        private Map<String, Object> relayQuotaCheck() {
            Map<String, Object> out = new LinkedHashMap<>();
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(opt.url() + "/observe/metrics"))
                        .timeout(Duration.ofSeconds(10));
                if (!token.isEmpty()) {
                    b.header("Authorization", "Bearer " + token);
                }
                String text = client.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = Pattern.compile("^relay_quota_check_seconds(_max|_count)?\\{?([^}\\s]*)\\}?\\s+(\\S+)$",
                        Pattern.MULTILINE).matcher(text);
                while (m.find()) {
                    double v = Double.parseDouble(m.group(3));
                    Matcher q = Pattern.compile("quantile=\"([0-9.]+)\"").matcher(m.group(2));
                    if ("_count".equals(m.group(1))) {
                        out.put("n", (long) v);
                    } else if ("_max".equals(m.group(1))) {
                        out.put("max", round(v * 1000));
                    } else if (m.group(1) == null && q.find()) {
                        String key = switch (q.group(1)) {
                            case "0.5" -> "p50";
                            case "0.95" -> "p95";
                            case "0.99" -> "p99";
                            default -> "q" + q.group(1);
                        };
                        out.put(key, round(v * 1000));
                    }
                }
            } catch (Exception e) {
                out.put("error", String.valueOf(e));
            }
            return out;
        }

        private Map<String, Object> quotaInPipeline = Map.of();

        Map<String, Object> quotaInPipeline() {
            return quotaInPipeline;
        }

        /** Closed loop: wrk keeps {@code connections} requests in flight for the phase. */
        Map<String, Object> throughput(String name, int connections, int seconds, String phase, List<String> letters,
                                       int codes) throws Exception {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", name);
            out.put("mode", "fixed concurrency (closed loop, wrk)");
            out.put("connections", connections);
            out.put("seconds", seconds);
            out.put("categories", letters.stream().map(CATEGORIES::get).toList());
            if (opt.wrk().isEmpty()) {
                out.put("skipped", "wrk not found");
                return out;
            }
            System.out.printf(Locale.ROOT, "phase %-10s %d connections for %d s, from %s%n", name, connections, seconds,
                    Instant.now());
            receiver.expectPhase("BENCH-" + phase);
            Path script = Files.createTempFile("bench-flags", ".lua");
            Files.writeString(script, """
                    local threads = 0
                    setup = function(thread) thread:set("id", threads); threads = threads + 1 end
                    local counter, cats, n = 0, {%s}, %d
                    init = function(args) counter = wrk.thread:get("id") * 7919 end
                    wrk.method = "POST"
                    wrk.body = '{"reason":"counterfeit","severity":"high","note":"bench"}'
                    wrk.headers["Content-Type"] = "application/json"
                    %s
                    request = function()
                      counter = counter + 1
                      local path = string.format("/api/codes/BENCH-%s-%%s-%%06d/flag", cats[(counter %% #cats) + 1],
                        (math.floor(counter / #cats) %% n) + 1)
                      return wrk.format(nil, path)
                    end
                    """.formatted(String.join(", ", letters.stream().map(l -> "\"" + l + "\"").toList()), codes,
                    token.isEmpty() ? "" : "wrk.headers[\"Authorization\"] = \"Bearer " + token + "\"",
                    phase) + WRK_DONE);
            long before = countFlags(phase);
            Sampler.Mark mark = sampler.mark();
            List<String> cmd = List.of(opt.wrk(), "-t", "2", "-c", String.valueOf(connections), "-d", seconds + "s",
                    "--timeout", "10s", "-s", script.toString(), opt.url());
            Map<String, Object> wrk = wrkResult(run(cmd, seconds + 60));
            Sampler.Usage usage = sampler.since(mark);
            long flags = countFlags(phase) - before;
            long expected = countDeliveries(phase);
            long drainStart = System.nanoTime();
            Receiver.PhaseDeliveries deliveries = receiver.await("BENCH-" + phase, (int) expected, Duration.ofSeconds(180));
            out.put("wrk", wrk);
            out.put("durableFlags", flags);
            double secs = wrk.get("seconds") instanceof Double d ? d : seconds;
            out.put("acceptedPerSecond", round((((Number) wrk.getOrDefault("requests", 0L)).longValue()
                    - ((Number) wrk.getOrDefault("non2xx", 0L)).longValue()) / secs));
            out.put("durableFlagsPerSecond", round(flags / secs));
            out.put("ingestMs", Map.of("p50", wrk.getOrDefault("p50Ms", 0), "p95", wrk.getOrDefault("p95Ms", 0),
                    "p99", wrk.getOrDefault("p99Ms", 0), "max", wrk.getOrDefault("maxMs", 0)));
            out.put("deliveries", deliveries.counts((int) expected));
            out.put("deliveryDrainSecondsAfterLoad", round(deliveries.lastArrivalNanos() > drainStart
                    ? (deliveries.lastArrivalNanos() - drainStart) / 1e9 : 0));
            out.put("resources", usage.toMap());
            out.put("cpuMsPerFlag", usage.perFlag(flags));
            Files.deleteIfExists(script);
            return out;
        }

        private long countFlags(String phase) throws Exception {
            return count("SELECT count(*) FROM flags f JOIN product_codes c ON c.id = f.code_id WHERE c.code LIKE ?",
                    "BENCH-" + phase + "-%");
        }

        private long countDeliveries(String phase) throws Exception {
            return count("SELECT count(*) FROM deliveries d JOIN flags f ON f.id = d.flag_id JOIN product_codes c "
                    + "ON c.id = f.code_id WHERE c.code LIKE ?", "BENCH-" + phase + "-%");
        }

        private long count(String sql, String like) throws Exception {
            try (Connection c = DriverManager.getConnection(opt.dbUrl(), "relay", "");
                 PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, like);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }

        /** The pipeline's atomic quota statement (a grant of one unit) on a busy agency's row, 100 times a second, during ingest. */
        private Thread quotaProbe(AtomicBoolean running) {
            Thread t = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(opt.dbUrl(), "relay", "");
                     PreparedStatement ps = c.prepareStatement(quotaSql())) {
                    long agencyId = agencyId(c, "NAFDAC");
                    while (running.get()) {
                        long t0 = System.nanoTime();
                        grantOne(ps, agencyId);
                        synchronized (quotaUnderLoad) {
                            quotaUnderLoad.add(System.nanoTime() - t0);
                        }
                        LockSupport.parkNanos(10_000_000L);
                    }
                } catch (Exception e) {
                    System.err.println("quota probe: " + e);
                }
            }, "quota-probe");
            t.start();
            return t;
        }

        Map<String, Object> quotaUnderLoad() {
            synchronized (quotaUnderLoad) {
                return percentiles(quotaUnderLoad);
            }
        }
    }

    /** One run of the pipeline's quota grant statement: a grant of one unit on the agency's row. */
    private static void grantOne(PreparedStatement ps, long agencyId) throws Exception {
        ps.setInt(1, 1);
        ps.setLong(2, agencyId);
        ps.setDouble(3, 3.0); // blocks_until (set only by grants of more than one unit)
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
        }
    }

    private static String quotaSql() throws IOException {
        try (var in = RelayBench.class.getClassLoader().getResourceAsStream("sql/quota-grant.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static long agencyId(Connection c, String name) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM agencies WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The same statement on an idle relay, sequential. */
    private static Map<String, Object> quotaIdle(Options opt) throws Exception {
        List<Long> quota = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(opt.dbUrl(), "relay", "");
             PreparedStatement ps = c.prepareStatement(quotaSql())) {
            long agencyId = agencyId(c, "NAFDAC");
            for (int i = 0; i < opt.quotaProbes(); i++) {
                long t = System.nanoTime();
                grantOne(ps, agencyId);
                quota.add(System.nanoTime() - t);
            }
        }
        return percentiles(quota);
    }

    /** The relay's own view (flag committed -> agency answered), from the database. */
    private static Map<String, Object> serverSide(Options opt) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(opt.dbUrl(), "relay", "");
             PreparedStatement ps = c.prepareStatement("""
                     SELECT substr(c.code, 1, 7) AS phase, count(*) AS delivered,
                            percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP
                              (ORDER BY extract(epoch FROM d.delivered_at - d.created_at) * 1000) AS ms
                       FROM deliveries d JOIN flags f ON f.id = d.flag_id JOIN product_codes c ON c.id = f.code_id
                      WHERE c.code LIKE 'BENCH-%' AND d.status = 'delivered'
                      GROUP BY 1 ORDER BY 1""")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Double[] ms = (Double[]) rs.getArray("ms").getArray();
                    out.put(rs.getString("phase"), Map.of("delivered", rs.getLong("delivered"),
                            "committedToDeliveredMs", Map.of("p50", round(ms[0]), "p95", round(ms[1]), "p99", round(ms[2]))));
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT status, count(*) FROM deliveries GROUP BY status ORDER BY status")) {
                Map<String, Long> statuses = new LinkedHashMap<>();
                while (rs.next()) {
                    statuses.put(rs.getString(1), rs.getLong(2));
                }
                out.put("deliveryStatuses", statuses);
            }
        }
        return out;
    }

    /** With --profile: where the database time went (pg_stat_statements, preloaded by run.sh). */
    private static List<Map<String, Object>> topStatements(Options opt) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(opt.dbUrl(), "relay", ""); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            // planning counts too (pg_stat_statements.track_planning, set by bench/run.sh --profile)
            try (ResultSet rs = s.executeQuery("SELECT calls, plans, round(total_exec_time::numeric, 1) AS total_ms, "
                    + "round(mean_exec_time::numeric, 3) AS mean_ms, round(stddev_exec_time::numeric, 3) AS stddev_ms, "
                    + "round(total_plan_time::numeric, 1) AS plan_ms, "
                    + "left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query FROM pg_stat_statements "
                    + "ORDER BY total_exec_time + total_plan_time DESC LIMIT 15")) {
                while (rs.next()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("calls", rs.getLong("calls"));
                    m.put("totalMs", rs.getDouble("total_ms"));
                    m.put("meanMs", rs.getDouble("mean_ms"));
                    m.put("stddevMs", rs.getDouble("stddev_ms"));
                    m.put("plans", rs.getLong("plans"));
                    m.put("planMs", rs.getDouble("plan_ms"));
                    m.put("query", rs.getString("query"));
                    out.add(m);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT wal_records, wal_bytes, wal_write, wal_sync, wal_fpi, "
                    + "round(wal_sync_time::numeric, 1) AS wal_sync_ms FROM pg_stat_wal")) {
                if (rs.next()) {
                    // full-page images: the first change of a page after each checkpoint writes the whole page
                    out.add(Map.of("walRecords", rs.getLong(1), "walBytes", rs.getLong(2), "walWrites", rs.getLong(3),
                            "walSyncs", rs.getLong(4), "walFullPageImages", rs.getLong(5)));
                }
            }
            // multixacts: made when several transactions lock one row at once (foreign-key checks on a hot parent row)
            try (ResultSet rs = s.executeQuery("SELECT name, blks_zeroed, blks_hit + blks_read AS blks_used FROM pg_stat_slru "
                    + "WHERE name ILIKE 'multixact%'")) {
                while (rs.next()) {
                    out.add(Map.of("slru", rs.getString(1), "blocksZeroed", rs.getLong(2), "blocksUsed", rs.getLong(3)));
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ the agencies' receiver

    /**
     * The agencies' endpoint: verifies every request's signature with the Standard Webhooks library and
     * records the first arrival of each (flag, agency), on Vert.x's HTTP server with one event loop of its
     * own. (The JDK's HttpServer handed each request from its dispatcher to a pool thread: two thread
     * switches per delivery, on the same two cores as the relay.)
     */
    static final class Receiver implements AutoCloseable {
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

        Receiver() throws Exception {
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

    // ------------------------------------------------------------------ CPU and memory of the relay

    /** Samples /proc: the relay JVM's RSS and CPU, its PostgreSQL's CPU, this process's CPU, the machine's. */
    static final class Sampler implements AutoCloseable {
        private static final double TICKS = 100.0; // USER_HZ on Linux
        private final long pid;
        private final long postmaster;
        private final Thread thread;
        private volatile boolean running = true;
        private final AtomicLong maxRssKb = new AtomicLong();
        private volatile long lastRssKb;

        record Mark(long nanos, long relayTicks, long pgTicks, long selfTicks, long machineBusy, long machineTotal,
                    long machineSteal, long maxRssKbBefore) {
        }

        record Usage(double seconds, double relayCpuPct, double pgCpuPct, double benchCpuPct, double machineBusyPct,
                     double stealPct, long relayRssMaxMiB, long relayRssEndMiB) {
            /** CPU time per durable flag while the phase ran (deliveries of the phase partly after it). */
            Map<String, Object> perFlag(long flags) {
                Map<String, Object> m = new LinkedHashMap<>();
                if (flags > 0) {
                    m.put("relay", round(relayCpuPct * 10 * seconds / flags));
                    m.put("postgres", round(pgCpuPct * 10 * seconds / flags));
                    m.put("bench", round(benchCpuPct * 10 * seconds / flags));
                }
                return m;
            }

            Map<String, Object> toMap() {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("relayCpuPercentOfOneCore", round(relayCpuPct));
                m.put("postgresCpuPercentOfOneCore", round(pgCpuPct));
                m.put("benchCpuPercentOfOneCore", round(benchCpuPct));
                m.put("machineBusyPercentOfAllCores", round(machineBusyPct));
                // what the rest of the machine (other builds, the kernel) took meanwhile
                m.put("otherCpuPercentOfOneCore", round(Math.max(0, machineBusyPct * Runtime.getRuntime()
                        .availableProcessors() - relayCpuPct - pgCpuPct - benchCpuPct - stealPct)));
                // a virtual machine's CPU taken by the host for others: it slows everything and is no one's here
                m.put("stealPercentOfOneCore", round(stealPct));
                m.put("relayRssMaxMiB", relayRssMaxMiB);
                m.put("relayRssEndMiB", relayRssEndMiB);
                return m;
            }
        }

        Sampler(long pid, long postmaster) {
            this.pid = pid;
            this.postmaster = postmaster;
            this.thread = new Thread(() -> {
                while (running) {
                    long rss = rssKb(pid);
                    lastRssKb = rss;
                    maxRssKb.accumulateAndGet(rss, Math::max);
                    LockSupport.parkNanos(200_000_000L);
                }
            }, "sampler");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        Mark mark() {
            long[] m = machine();
            maxRssKb.set(rssKb(pid));
            return new Mark(System.nanoTime(), ticks(pid), pgTicks(), selfTicks(), m[0], m[1], m[2], 0);
        }

        Usage since(Mark mark) {
            double secs = (System.nanoTime() - mark.nanos()) / 1e9;
            long[] m = machine();
            double busy = m[1] == mark.machineTotal() ? 0 : 100.0 * (m[0] - mark.machineBusy()) / (m[1] - mark.machineTotal());
            return new Usage(secs, 100 * (ticks(pid) - mark.relayTicks()) / TICKS / secs,
                    100 * (pgTicks() - mark.pgTicks()) / TICKS / secs,
                    100 * (selfTicks() - mark.selfTicks()) / TICKS / secs, busy,
                    100 * (m[2] - mark.machineSteal()) / TICKS / secs,
                    maxRssKb.get() / 1024, rssKb(pid) / 1024);
        }

        private long pgTicks() {
            long sum = 0;
            try (var dirs = Files.list(Path.of("/proc"))) {
                for (Path p : dirs.toList()) {
                    String name = p.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    String[] stat = stat(Long.parseLong(name));
                    if (stat != null && (Long.parseLong(name) == postmaster || Long.parseLong(stat[3]) == postmaster)) {
                        sum += Long.parseLong(stat[13]) + Long.parseLong(stat[14]);
                    }
                }
            } catch (IOException e) {
                return 0;
            }
            return sum;
        }

        /** This JVM and the children it waited for (wrk, pgbench). */
        private static long selfTicks() {
            String[] s = stat(ProcessHandle.current().pid());
            return s == null ? 0 : Long.parseLong(s[13]) + Long.parseLong(s[14]) + Long.parseLong(s[15])
                    + Long.parseLong(s[16]);
        }

        private static long ticks(long pid) {
            String[] s = stat(pid);
            return s == null ? 0 : Long.parseLong(s[13]) + Long.parseLong(s[14]);
        }

        /** Fields of /proc/pid/stat, index 0 = pid, with the command name collapsed. */
        private static String[] stat(long pid) {
            try {
                String text = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String rest = text.substring(text.lastIndexOf(')') + 2);
                String[] f = rest.split(" ");
                String[] out = new String[f.length + 2];
                out[0] = String.valueOf(pid);
                out[1] = "comm";
                System.arraycopy(f, 0, out, 2, f.length);
                return out;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        private static long rssKb(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                return 0;
            }
            return 0;
        }

        /** {busy, total, steal} jiffies of all cores from /proc/stat. */
        private static long[] machine() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < f.length; i++) {
                    total += Long.parseLong(f[i]);
                }
                long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
                return new long[] {total - idle, total, f.length > 8 ? Long.parseLong(f[8]) : 0};
            } catch (IOException e) {
                return new long[] {0, 0, 0};
            }
        }

        @Override
        public void close() {
            running = false;
        }
    }

    private static long postmaster(String dbUrl) throws Exception {
        try (Connection c = DriverManager.getConnection(dbUrl, "relay", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            String[] stat = Sampler.stat(rs.getLong(1));
            return stat == null ? -1 : Long.parseLong(stat[3]);
        }
    }

    // ------------------------------------------------------------------ report

    @SuppressWarnings("unchecked")
    private static Map<String, Object> ratios(Map<String, Object> ceilings, List<Map<String, Object>> phases) {
        Map<String, Object> out = new LinkedHashMap<>();
        Object tps = ((Map<String, Object>) ceilings.get("pgbenchInsert")).get("tps");
        Object http = ((Map<String, Object>) ceilings.get("httpTrivial")).get("perSecond");
        for (Map<String, Object> p : phases) {
            if (p.get("acceptedPerSecond") instanceof Number n && p.containsKey("connections")) {
                Map<String, Object> r = new LinkedHashMap<>();
                if (tps instanceof Number t) {
                    r.put("flagsPerPgbenchCommit", round(n.doubleValue() / t.doubleValue()));
                }
                if (http instanceof Number h) {
                    r.put("flagsPerTrivialHttpRequest", round(n.doubleValue() / h.doubleValue()));
                }
                out.put((String) p.get("name"), r);
            }
        }
        return out;
    }

    /** SPEC §10 side by side with what this run measured (a report, not a pass/fail test). */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> targets(Map<String, Object> report, List<Map<String, Object>> phases) {
        Map<String, Map<String, Object>> byName = new HashMap<>();
        phases.forEach(p -> byName.put((String) p.get("name"), p));
        List<Map<String, Object>> out = new ArrayList<>();
        Object tps = ((Map<String, Object>) ((Map<String, Object>) report.get("ceilings")).get("pgbenchInsert")).get("tps");
        double throughputTarget = tps instanceof Number t ? Math.min(2000, 0.5 * t.doubleValue()) : 2000;
        for (String name : List.of("throughput", "intake")) {
            Map<String, Object> p = byName.get(name);
            if (p != null && p.get("acceptedPerSecond") instanceof Number n) {
                out.add(target("flags/s sustained (" + name + ", " + p.get("connections") + " connections)",
                        ">= " + round(throughputTarget), n.doubleValue(), n.doubleValue() >= throughputTarget));
            }
        }
        for (String name : List.of("ingest", "ingest-only")) {
            Map<String, Object> p = byName.get(name);
            Object ingestP99 = p == null ? null : ((Map<String, Object>) p.get("ingestMs")).get("p99");
            if (ingestP99 instanceof Number n) {
                out.add(target("ingest p99 ms at " + p.get("targetRate") + "/s (" + (name.equals("ingest")
                                ? "flags with deliveries" : "flags without deliveries") + ")", "< 20", n.doubleValue(),
                        n.doubleValue() < 20));
            }
        }
        Map<String, Object> e2e = (Map<String, Object>) byName.get("e2e").get("endToEndMs");
        if (e2e.get("p50") instanceof Number p50 && e2e.get("p99") instanceof Number p99) {
            String at = " at " + byName.get("e2e").get("targetRate") + "/s, " + byName.get("e2e").get("agenciesPerFlag")
                    + " agencies per flag";
            out.add(target("end-to-end p50 ms" + at, "< 25", p50.doubleValue(), p50.doubleValue() < 25));
            out.add(target("end-to-end p99 ms" + at, "< 100", p99.doubleValue(), p99.doubleValue() < 100));
        }
        Object quota = ((Map<String, Object>) ((Map<String, Object>) report.get("quotaCheck")).get("inPipeline")).get("p99");
        if (quota instanceof Number q) {
            out.add(target("quota check p99 ms inside the pipeline (relay's timer, e2e load)", "< 1",
                    q.doubleValue(), q.doubleValue() < 1));
        }
        long rss = 0;
        for (Map<String, Object> p : phases) {
            Object r = ((Map<String, Object>) p.getOrDefault("resources", Map.of())).get("relayRssMaxMiB");
            rss = Math.max(rss, r instanceof Number n ? n.longValue() : 0);
        }
        out.add(target("relay RSS MiB (max over the phases)", "< 512", rss, rss < 512));
        long missing = 0;
        long unverified = 0;
        for (Map<String, Object> p : phases) {
            Map<String, Object> d = (Map<String, Object>) p.getOrDefault("deliveries", Map.of());
            missing += d.get("missing") instanceof Number n ? n.longValue() : 0;
            unverified += d.get("unverified") instanceof Number n ? n.longValue() : 0;
        }
        out.add(target("deliveries missing or unverifiable", "0", missing + unverified, missing + unverified == 0));
        return out;
    }

    private static Map<String, Object> target(String what, String goal, double measured, boolean met) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", what);
        m.put("goal", goal);
        m.put("measured", round(measured));
        m.put("met", met);
        return m;
    }

    @SuppressWarnings("unchecked")
    private static void printTable(Map<String, Object> report) {
        Map<String, Object> ceilings = (Map<String, Object>) report.get("ceilings");
        Map<String, Object> pg = (Map<String, Object>) ceilings.get("pgbenchInsert");
        Map<String, Object> http = (Map<String, Object>) ceilings.get("httpTrivial");
        List<Map<String, Object>> phases = (List<Map<String, Object>>) report.get("phases");
        System.out.println();
        System.out.println("Alert Relay benchmark  " + report.get("startedAt") + "  " + report.get("machine"));
        System.out.println();
        System.out.printf(Locale.ROOT, "%-11s %-16s %9s %22s %24s %20s %25s %8s %21s%n", "phase", "load", "flags/s",
                "ingest p50/p95/p99 ms", "end-to-end p50/p95/p99", "deliv exp/recv/verif", "relay/pg/bench/other/steal CPU", "RSS MiB", "CPU ms/flag relay/pg");
        for (Map<String, Object> p : phases) {
            Map<String, Object> ingest = (Map<String, Object>) p.get("ingestMs");
            Map<String, Object> e2e = (Map<String, Object>) p.getOrDefault("endToEndMs", Map.of());
            Map<String, Object> d = (Map<String, Object>) p.getOrDefault("deliveries", Map.of());
            Map<String, Object> r = (Map<String, Object>) p.getOrDefault("resources", Map.of());
            String load = p.containsKey("targetRate") ? p.get("targetRate") + "/s x" + p.get("seconds") + "s"
                    : p.get("connections") + " conn x" + p.get("seconds") + "s";
            System.out.printf(Locale.ROOT, "%-11s %-16s %9s %22s %24s %20s %25s %8s %21s%n", p.get("name"), load,
                    p.get("acceptedPerSecond"), triple(ingest), e2e.isEmpty() ? "-" : triple(e2e),
                    d.get("expected") + "/" + d.get("received") + "/" + d.get("verified"),
                    pct(r.get("relayCpuPercentOfOneCore")) + "/" + pct(r.get("postgresCpuPercentOfOneCore")) + "/"
                            + pct(r.get("benchCpuPercentOfOneCore")) + "/" + pct(r.get("otherCpuPercentOfOneCore"))
                            + "/" + pct(r.get("stealPercentOfOneCore")),
                    r.get("relayRssMaxMiB"), ((Map<String, Object>) p.getOrDefault("cpuMsPerFlag", Map.of()))
                            .getOrDefault("relay", "-") + "/" + ((Map<String, Object>) p.getOrDefault("cpuMsPerFlag",
                            Map.of())).getOrDefault("postgres", "-"));
        }
        System.out.println();
        System.out.println("Ceilings of this machine (same client count):");
        System.out.printf(Locale.ROOT, "  pgbench single-row INSERT, %s clients: %s commits/s (avg %s ms)%n",
                pg.get("clients"), pg.get("tps"), pg.get("latencyAvgMs"));
        System.out.printf(Locale.ROOT, "  HTTP %s, %s connections: %s req/s (p99 %s ms)%n", http.get("endpoint"),
                http.get("connections"), http.get("perSecond"), http.get("p99Ms"));
        for (Map<String, Object> thru : phases) {
        Object rate = thru.get("acceptedPerSecond");
        if (thru.containsKey("connections") && rate instanceof Number n) {
            if (pg.get("tps") instanceof Number t) {
                System.out.printf(Locale.ROOT, "  %-10s flags/s / pgbench commits/s = %.2f%n", thru.get("name"),
                        n.doubleValue() / t.doubleValue());
            }
            if (http.get("perSecond") instanceof Number h) {
                System.out.printf(Locale.ROOT, "  %-10s flags/s / trivial HTTP req/s = %.2f%n", thru.get("name"),
                        n.doubleValue() / h.doubleValue());
            }
        }
        }
        Map<String, Object> quota = (Map<String, Object>) report.get("quotaCheck");
        System.out.println("Quota check inside the pipeline (the relay's own timer; most are answered from an allowance):");
        System.out.println("  after e2e load: " + quota.get("inPipeline"));
        System.out.println("Quota grant statement (what refilling an allowance costs, round trip from this client):");
        System.out.println("  under ingest load: " + quota.get("underLoad"));
        System.out.println("  idle:           " + quota.get("idle"));
        System.out.println("Relay's own view (committed -> delivered): " + report.get("serverSide"));
        System.out.println();
        System.out.println("SPEC §10 targets (this run; a benchmark, not a test):");
        for (Map<String, Object> t : (List<Map<String, Object>>) report.get("targets")) {
            System.out.printf(Locale.ROOT, "  %-5s %-90s %-8s measured %s%n", (Boolean) t.get("met") ? "met" : "MISS",
                    t.get("target"), t.get("goal"), t.get("measured"));
        }
    }

    private static String triple(Map<String, Object> m) {
        return m.getOrDefault("p50", "-") + "/" + m.getOrDefault("p95", "-") + "/" + m.getOrDefault("p99", "-");
    }

    private static String pct(Object v) {
        return v instanceof Number n ? String.format(Locale.ROOT, "%.0f%%", n.doubleValue()) : "-";
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, Object> percentiles(List<Long> nanos) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", nanos.size());
        if (nanos.isEmpty()) {
            return m;
        }
        long[] v = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        m.put("p50", round(at(v, 0.50)));
        m.put("p95", round(at(v, 0.95)));
        m.put("p99", round(at(v, 0.99)));
        m.put("max", round(v[v.length - 1] / 1e6));
        return m;
    }

    private static double at(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))] / 1e6;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static Object number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : "not found in: " + text;
    }

    private static String run(List<String> cmd, int timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ExecutorService reader = Executors.newSingleThreadExecutor();
        var text = reader.submit(() -> new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String out = text.get(10, TimeUnit.SECONDS);
        reader.shutdown();
        return out;
    }

    private static String machine() {
        String cpu = "unknown cpu";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
            String load = Files.readString(Path.of("/proc/loadavg")).trim();
            return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), Java "
                    + System.getProperty("java.version") + ", load average at start " + load;
        } catch (IOException e) {
            return cpu;
        }
    }

    /** An HS256 bearer token as the relay's auth expects: sub "bench", roles ["REPORTER"], one hour. */
    static String jwt(String secret) throws Exception {
        if (secret.isEmpty()) {
            return "";
        }
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"sub\":\"bench\",\"roles\":[\"REPORTER\"],\"iat\":" + now + ",\"exp\":"
                + (now + 3600) + "}").getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = b64.encodeToString(mac.doFinal((header + "." + claims).getBytes(StandardCharsets.UTF_8)));
        return header + "." + claims + "." + signature;
    }
}
