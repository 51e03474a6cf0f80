import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flag load at a fixed rate against a running relay, with the agencies' receiver in this same
 * process (one clock): reports ingest latency (POST -> 202), end-to-end latency (202 -> agency
 * received) and the quota check's own latency. Run with the relay jar on the classpath:
 *
 *   java -cp target/alert-relay.jar bench/FlagBench.java --db-url jdbc:postgresql://127.0.0.1:PORT/relay \
 *        --rate 200 --flags 3000
 */
public class FlagBench {

    private static final Pattern FLAG_ID = Pattern.compile("\"flagId\":\"([0-9a-f-]{36})\"");

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String relay = o.getOrDefault("url", "http://127.0.0.1:8080");
        String dbUrl = o.get("db-url");
        String dbUser = o.getOrDefault("db-user", "relay");
        String dbPassword = o.getOrDefault("db-password", "");
        int rate = Integer.parseInt(o.getOrDefault("rate", "200"));
        int flags = Integer.parseInt(o.getOrDefault("flags", "3000"));
        int receiverPort = Integer.parseInt(o.getOrDefault("receiver-port", "9099"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "1000"));
        String token = o.getOrDefault("token", System.getenv().getOrDefault("RELAY_TOKEN", ""));
        // critical cosmetics route to two agencies (NAFDAC-COSMETICS and NAFDAC)
        List<String> agencies = List.of("NAFDAC-COSMETICS", "NAFDAC");
        int perFlag = agencies.size();

        // ---- agencies point at our receiver, with quotas out of the way
        try (Connection c = DriverManager.getConnection(dbUrl, dbUser, dbPassword)) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE agencies SET webhook_url = ?, webhook_active = true WHERE name = ?")) {
                for (String a : agencies) {
                    ps.setString(1, "http://127.0.0.1:" + receiverPort + "/agency/" + a);
                    ps.setString(2, a);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE agency_rate_limits SET alerts_per_hour = 1000000000, "
                    + "alerts_per_day = 1000000000, hour_count = 0, day_count = 0, throttled_until = NULL "
                    + "WHERE agency_id IN (SELECT id FROM agencies WHERE name = ANY (?))")) {
                ps.setArray(1, c.createArrayOf("text", agencies.toArray()));
                ps.executeUpdate();
            }
        }

        // ---- the receiver (TCP_NODELAY, or keep-alive deliveries stall on Nagle)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Map<String, Long> accepted = new ConcurrentHashMap<>();
        List<Long> endToEnd = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger received = new AtomicInteger();
        CountDownLatch allReceived = new CountDownLatch(flags * perFlag);
        // warm-up flags use DEMO-OTHER codes: no agency, no delivery, intake warm-up only
        Map<String, Long> early = new ConcurrentHashMap<>();
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> fromSend = java.util.Collections.synchronizedList(new ArrayList<>());
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", receiverPort), 1024);
        server.setExecutor(Executors.newFixedThreadPool(32));
        server.createContext("/agency/", ex -> {
            long now = System.nanoTime();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = FLAG_ID.matcher(body);
            if (m.find()) {
                String key = m.group(1) + "|" + ex.getRequestURI().getPath();
                Long at = accepted.get(m.group(1));
                if (at != null) {
                    endToEnd.add(now - at);
                    fromSend.add(now - sentAt.get(m.group(1)));
                } else {
                    early.put(key, now); // arrived before the 202 was read
                }
            }
            byte[] out = "{\"caseNumber\":\"BENCH\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
            received.incrementAndGet();
            allReceived.countDown();
        });
        server.start();

        // ---- warm-up (JIT, pools, connections): same load, not measured
        HttpClient warmClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < warmup; i++) {
            HttpRequest.Builder wb = HttpRequest.newBuilder(URI.create(relay + "/api/codes/DEMO-OTHER-"
                    + String.format(Locale.ROOT, "%04d", 1 + (i % 500)) + "/flag"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"counterfeit\",\"severity\":\"low\"}"));
            if (!token.isEmpty()) {
                wb.header("Authorization", "Bearer " + token);
            }
            warmClient.sendAsync(wb.build(), HttpResponse.BodyHandlers.discarding());
            Thread.sleep(1000L / Math.max(1, rate));
        }
        Thread.sleep(2000);

        // ---- flags at a fixed rate
        HttpClient client = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(16))
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<Long> ingest = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger rejected = new AtomicInteger();
        CountDownLatch allAnswered = new CountDownLatch(flags);
        ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2);
        long start = System.nanoTime();
        long intervalNanos = 1_000_000_000L / rate;
        for (int i = 0; i < flags; i++) {
            String code = String.format(Locale.ROOT, "DEMO-COSM-%04d", 1 + (i % 500));
            HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(relay + "/api/codes/" + code + "/flag"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"counterfeit\",\"severity\":\"critical\"}"));
            if (!token.isEmpty()) {
                rb.header("Authorization", "Bearer " + token);
            }
            HttpRequest request = rb.build();
            ticker.schedule(() -> {
                long sent = System.nanoTime();
                client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                    long now = System.nanoTime();
                    if (e == null && r.statusCode() == 202) {
                        ingest.add(now - sent);
                        Matcher m = FLAG_ID.matcher(r.body());
                        if (m.find()) {
                            accepted.put(m.group(1), now);
                            sentAt.put(m.group(1), sent);
                            for (String a : agencies) {
                                Long arrived = early.remove(m.group(1) + "|/agency/" + a);
                                if (arrived != null) {
                                    endToEnd.add(0L); // delivered before the 202 reached the client
                                    fromSend.add(arrived - sent);
                                }
                            }
                        }
                    } else {
                        if (rejected.incrementAndGet() <= 3) {
                            System.err.println("not accepted: " + (e != null ? e : r.statusCode() + " " + r.body()));
                        }
                    }
                    allAnswered.countDown();
                });
            }, i * intervalNanos, TimeUnit.NANOSECONDS);
        }
        allAnswered.await(flags / Math.max(1, rate) + 60L, TimeUnit.SECONDS);
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        boolean complete = allReceived.await(120, TimeUnit.SECONDS);
        ticker.shutdownNow();
        server.stop(0);

        System.out.printf(Locale.ROOT, "flags sent %d at %d/s in %.1f s; 202 answers %d, other %d%n",
                flags, rate, sendSeconds, ingest.size(), rejected.get());
        System.out.printf(Locale.ROOT, "ingest latency  (POST -> 202):      %s%n", percentiles(ingest));
        System.out.printf(Locale.ROOT, "end to end      (202 -> received):  %s%n", percentiles(endToEnd));
        System.out.printf(Locale.ROOT, "end to end      (POST -> received): %s%n", percentiles(fromSend));
        System.out.printf(Locale.ROOT, "deliveries received %d of %d expected%s%n", received.get(), flags * perFlag,
                complete ? "" : " (timed out waiting)");

        // ---- the quota check on its own: the pipeline's atomic statement, one agency, sequential
        if (Integer.parseInt(o.getOrDefault("quota-probes", "2000")) > 0) {
            int probes = Integer.parseInt(o.getOrDefault("quota-probes", "2000"));
            String sql = new String(FlagBench.class.getClassLoader().getResourceAsStream("sql/quota-reserve.sql")
                    .readAllBytes(), StandardCharsets.UTF_8);
            List<Long> quota = new ArrayList<>();
            try (Connection c = DriverManager.getConnection(dbUrl, dbUser, dbPassword);
                 PreparedStatement ps = c.prepareStatement(sql);
                 PreparedStatement id = c.prepareStatement("SELECT id FROM agencies WHERE name = ?")) {
                id.setString(1, agencies.get(0));
                long agencyId;
                try (ResultSet rs = id.executeQuery()) {
                    rs.next();
                    agencyId = rs.getLong(1);
                }
                for (int i = 0; i < probes; i++) {
                    long t = System.nanoTime();
                    ps.setLong(1, agencyId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                    }
                    quota.add(System.nanoTime() - t);
                }
            }
            System.out.printf(Locale.ROOT, "quota check     (atomic UPDATE):   %s%n", percentiles(quota));
        }
        System.exit(0);
    }

    private static String percentiles(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return "no samples";
        }
        long[] v = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return String.format(Locale.ROOT, "n=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms", v.length,
                at(v, 0.50), at(v, 0.90), at(v, 0.99), v[v.length - 1] / 1e6);
    }

    private static double at(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        if (!o.containsKey("db-url")) {
            System.err.println("usage: java -cp target/alert-relay.jar bench/FlagBench.java --db-url JDBC_URL "
                    + "[--url http://127.0.0.1:8080] [--rate 200] [--flags 3000] [--token JWT] " + Arrays.toString(args));
            System.exit(2);
        }
        return o;
    }
}
