package io.alertrelay.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.alertrelay.bench.Percentiles.round;

/** The run's report: the ratios to the ceilings, the table on stdout, and the JSON file. */
final class Report {

    private Report() {
    }

    /** Writes the report to {@code <out>/<timestamp>[-label].json} and returns the file. */
    static Path writeJson(Options opt, Map<String, Object> report) throws Exception {
        Files.createDirectories(opt.out());
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path file = opt.out().resolve(stamp + (opt.label().isEmpty() ? "" : "-" + opt.label()) + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
        return file;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> ratios(Map<String, Object> ceilings, List<Map<String, Object>> phases) {
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

    @SuppressWarnings("unchecked")
    static void printTable(Map<String, Object> report) {
        Map<String, Object> ceilings = (Map<String, Object>) report.get("ceilings");
        Map<String, Object> pg = (Map<String, Object>) ceilings.get("pgbenchInsert");
        Map<String, Object> http = (Map<String, Object>) ceilings.get("httpTrivial");
        List<Map<String, Object>> phases = (List<Map<String, Object>>) report.get("phases");
        System.out.println();
        System.out.println("Alert Relay benchmark  " + report.get("startedAt") + "  " + report.get("machine"));
        System.out.println();
        String row = "%-11s %-16s %9s %11s %22s %24s %20s %25s %8s %21s %23s%n";
        System.out.printf(Locale.ROOT, row, "phase", "load", "flags/s", "acc+deliv/s", "ingest p50/p95/p99 ms",
                "end-to-end p50/p95/p99", "deliv exp/recv/verif", "relay/pg/bench/other/steal CPU", "RSS MiB",
                "CPU ms/flag relay/pg", "CPU ms/delivered rel/pg");
        for (Map<String, Object> p : phases) {
            Map<String, Object> ingest = (Map<String, Object>) p.get("ingestMs");
            Map<String, Object> e2e = (Map<String, Object>) p.getOrDefault("endToEndMs", Map.of());
            Map<String, Object> d = (Map<String, Object>) p.getOrDefault("deliveries", Map.of());
            Map<String, Object> r = (Map<String, Object>) p.getOrDefault("resources", Map.of());
            String load = p.containsKey("targetRate") ? p.get("targetRate") + "/s x" + p.get("seconds") + "s"
                    : p.get("connections") + " conn x" + p.get("seconds") + "s";
            System.out.printf(Locale.ROOT, row, p.get("name"), load, p.get("acceptedPerSecond"),
                    p.getOrDefault("acceptedAndDeliveredPerSecond", "-"), triple(ingest), e2e.isEmpty() ? "-" : triple(e2e),
                    d.get("expected") + "/" + d.get("received") + "/" + d.get("verified"),
                    pct(r.get("relayCpuPercentOfOneCore")) + "/" + pct(r.get("postgresCpuPercentOfOneCore")) + "/"
                            + pct(r.get("benchCpuPercentOfOneCore")) + "/" + pct(r.get("otherCpuPercentOfOneCore"))
                            + "/" + pct(r.get("stealPercentOfOneCore")),
                    r.get("relayRssMaxMiB"), relayPg(p.get("cpuMsPerFlag")), relayPg(p.get("cpuMsPerDeliveredFlag")));
        }
        if (report.get("kafka") instanceof Map<?, ?> kafka) {
            System.out.println("kafka       not run: " + kafka.get("skipped"));
        }
        for (Map<String, Object> p : phases) {
            if ("kafka".equals(p.get("name"))) {
                printKafkaBesideHttp(p, phases);
            }
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
        System.out.println("Metrics scrapes (GET /observe/metrics every " + MetricsScraper.INTERVAL.toSeconds()
                + " s, round trip ms): " + report.get("metricsScrapes"));
        System.out.println("Relay's own view (committed -> delivered): " + report.get("serverSide"));
        System.out.println();
        System.out.println("SPEC §10 targets (this run; a benchmark, not a test), beside this run's pgbench ceiling of "
                + (pg.get("tps") instanceof Number t ? round(t.doubleValue()) : pg.get("tps")) + " commits/s at " + pg.get("clients") + " clients:");
        for (Map<String, Object> t : (List<Map<String, Object>>) report.get("targets")) {
            String beside = t.containsKey("ofPgbench") ? "  (" + t.get("ofPgbench") + " of pgbench's "
                    + t.get("pgbenchCommitsPerSecond") + "/s)" : "";
            System.out.printf(Locale.ROOT, "  %-7s %-78s %-7s measured %s%s%n", (Boolean) t.get("met") ? "met" : "not met",
                    t.get("target"), t.get("goal"), t.get("measured"), beside);
        }
    }

    /** The Kafka phase's figures next to the HTTP phase with one delivery per flag. */
    @SuppressWarnings("unchecked")
    private static void printKafkaBesideHttp(Map<String, Object> kafka, List<Map<String, Object>> phases) {
        System.out.printf(Locale.ROOT, "kafka: %s records/s in (%s offered), %s flags/s accepted and delivered, end to end "
                        + "(partner publish -> alert record read) p50/p95/p99 %s ms%n", kafka.get("acceptedPerSecond"),
                kafka.get("targetRate"), kafka.get("acceptedAndDeliveredPerSecond"),
                triple((Map<String, Object>) kafka.get("endToEndMs")));
        for (Map<String, Object> p : phases) {
            if ("ingest".equals(p.get("name"))) {
                System.out.printf(Locale.ROOT, "http:  %s flags/s accepted (%s offered), end to end (202 -> agency "
                                + "received) p50/p95/p99 %s ms%n", p.get("acceptedPerSecond"), p.get("targetRate"),
                        triple((Map<String, Object>) p.get("endToEndMs")));
            }
        }
    }

    private static String triple(Map<String, Object> m) {
        return m.getOrDefault("p50", "-") + "/" + m.getOrDefault("p95", "-") + "/" + m.getOrDefault("p99", "-");
    }

    @SuppressWarnings("unchecked")
    private static String relayPg(Object perFlag) {
        Map<String, Object> m = perFlag instanceof Map<?, ?> ? (Map<String, Object>) perFlag : Map.of();
        return m.getOrDefault("relay", "-") + "/" + m.getOrDefault("postgres", "-");
    }

    private static String pct(Object v) {
        return v instanceof Number n ? String.format(Locale.ROOT, "%.0f%%", n.doubleValue()) : "-";
    }
}
