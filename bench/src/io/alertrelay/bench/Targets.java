package io.alertrelay.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.alertrelay.bench.Percentiles.round;

/**
 * SPEC §10 side by side with what a run measured (a report, not a pass/fail test), and what makes a run
 * broken whatever its speed (what --check fails on).
 */
final class Targets {

    private Targets() {
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

    /** SPEC §10 side by side with what this run measured (a report, not a pass/fail test). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> of(Map<String, Object> report, List<Map<String, Object>> phases) {
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

}
