package io.alertrelay.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.alertrelay.bench.Percentiles.round;

/**
 * The quota figures: the relay's own timer of the check inside the pipeline, and the round trip of the
 * grant statement that refills an allowance ({@code sql/quota-grant.sql}), under load and idle.
 */
final class QuotaProbe {

    private final Options opt;
    private final MetricsScraper metrics;
    private final List<Long> underLoad = new ArrayList<>();
    private volatile Map<String, Object> inPipeline = Map.of();

    QuotaProbe(Options opt, MetricsScraper metrics) {
        this.opt = opt;
        this.metrics = metrics;
    }

    /**
     * Starts the grant statement on a busy agency's row, 100 times a second, until {@code running} is false.
     * (Probed during the ingest phase: in the e2e phase its extra transactions on an agency's row would weigh
     * on the end-to-end figures it sits beside.)
     */
    Thread startUnderLoad(AtomicBoolean running) {
        Thread t = new Thread(() -> {
            try (Connection c = RelayDatabase.connect(opt); PreparedStatement ps = c.prepareStatement(grantSql())) {
                long agencyId = RelayDatabase.agencyId(c, "NAFDAC");
                while (running.get()) {
                    long t0 = System.nanoTime();
                    grantOne(ps, agencyId);
                    synchronized (underLoad) {
                        underLoad.add(System.nanoTime() - t0);
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

    Map<String, Object> underLoad() {
        synchronized (underLoad) {
            return Percentiles.of(underLoad);
        }
    }

    /** The same statement on an idle relay, sequential. */
    Map<String, Object> idle() throws Exception {
        List<Long> quota = new ArrayList<>();
        try (Connection c = RelayDatabase.connect(opt); PreparedStatement ps = c.prepareStatement(grantSql())) {
            long agencyId = RelayDatabase.agencyId(c, "NAFDAC");
            for (int i = 0; i < opt.quotaProbes(); i++) {
                long t = System.nanoTime();
                grantOne(ps, agencyId);
                quota.add(System.nanoTime() - t);
            }
        }
        return Percentiles.of(quota);
    }

    Map<String, Object> inPipeline() {
        return inPipeline;
    }

    /**
     * Reads the relay's own timer of each delivery's quota check (relay_quota_check_seconds at /observe/metrics:
     * client-side percentiles over the last minutes, so read right after the e2e phase).
     */
    void readInPipeline() {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            String text = metrics.scrape();
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
        inPipeline = out;
    }

    /** One run of the pipeline's quota grant statement: a grant of one unit on the agency's row. */
    private static void grantOne(PreparedStatement ps, long agencyId) throws Exception {
        ps.setInt(1, 1);
        ps.setLong(2, agencyId);
        ps.setDouble(3, 3.0); // blocks_until (set only by grants of more than one unit)
        ps.setString(4, "bench-quota-probe"); // the instance the allowance is recorded for
        ps.setBoolean(5, false);
        ps.setBoolean(6, false);
        ps.setBoolean(7, false);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
        }
    }

    private static String grantSql() throws IOException {
        try (var in = QuotaProbe.class.getClassLoader().getResourceAsStream("sql/quota-grant.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
