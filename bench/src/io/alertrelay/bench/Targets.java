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

    /**
     * SPEC §10 and issue 18's figures side by side with what this run measured (a report, not a pass/fail
     * test). Rates carry the pgbench ceiling of the same run beside them: compare with it, not across runs.
     */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> of(Map<String, Object> report, List<Map<String, Object>> phases) {
        Map<String, Map<String, Object>> byName = new HashMap<>();
        phases.forEach(p -> byName.put((String) p.get("name"), p));
        List<Map<String, Object>> out = new ArrayList<>();
        Double tps = number(report, "ceilings", "pgbenchInsert", "tps");

        Double many = number(byName.get("many-codes"), "acceptedAndDeliveredPerSecond");
        Double one = number(byName.get("one-code"), "acceptedAndDeliveredPerSecond");
        String conn = " at " + opt(byName.get("many-codes"), "connections") + " connections";
        rate(out, "accepted and delivered flags/s, " + RelayBench.MANY_CODES + " codes" + conn, 2000, many, tps);
        rate(out, "accepted and delivered flags/s, every flag on one code" + conn, 1800, one, tps);
        if (many != null && one != null && many > 0) {
            out.add(target("one-code rate / " + RelayBench.MANY_CODES + "-code rate", ">= 0.9", one / many,
                    one / many >= 0.9));
        }
        rate(out, "intake-only flags/s (no deliveries)" + conn, 4000,
                number(byName.get("intake"), "acceptedPerSecond"), tps);
        for (String name : List.of("many-codes", "one-code")) {
            for (String who : List.of("relay", "postgres")) {
                Double ms = number(byName.get(name), "cpuMsPerDeliveredFlag", who);
                if (ms != null) {
                    out.add(target("CPU ms per delivered flag, " + (who.equals("relay") ? "relay" : "PostgreSQL")
                            + " (" + name + ")", "<= 0.7", ms, ms <= 0.7));
                }
            }
        }
        Map<String, Object> ingest = byName.get("ingest");
        String offered = " at " + opt(ingest, "targetRate") + " flags/s offered (one delivery each)";
        Double ingestP99 = number(ingest, "ingestMs", "p99");
        if (ingestP99 != null) {
            out.add(target("ingest p99 ms" + offered, "< 20", ingestP99, ingestP99 < 20));
        }
        Double ingestE2e = number(ingest, "endToEndMs", "p99");
        if (ingestE2e != null) {
            out.add(target("end-to-end p99 ms" + offered, "< 100", ingestE2e, ingestE2e < 100));
        }
        Map<String, Object> alone = byName.get("ingest-only");
        Double aloneP99 = number(alone, "ingestMs", "p99");
        if (aloneP99 != null) {
            out.add(target("ingest p99 ms at " + opt(alone, "targetRate") + " flags/s offered (no deliveries)", "< 20",
                    aloneP99, aloneP99 < 20));
        }
        Map<String, Object> e2e = byName.get("e2e");
        String at = " at " + opt(e2e, "targetRate") + "/s, " + opt(e2e, "agenciesPerFlag") + " agencies per flag";
        Double p50 = number(e2e, "endToEndMs", "p50");
        Double p99 = number(e2e, "endToEndMs", "p99");
        if (p50 != null && p99 != null) {
            out.add(target("end-to-end p50 ms" + at, "< 25", p50, p50 < 25));
            out.add(target("end-to-end p99 ms" + at, "< 100", p99, p99 < 100));
        }
        Double quota = number(report, "quotaCheck", "inPipeline", "p99");
        if (quota != null) {
            out.add(target("quota check p99 ms inside the pipeline (relay's timer, e2e load)", "< 1", quota, quota < 1));
        }
        long rss = 0;
        for (Map<String, Object> p : phases) {
            Double r = number(p, "resources", "relayRssMaxMiB");
            rss = Math.max(rss, r == null ? 0 : r.longValue());
        }
        out.add(target("relay RSS MiB (max over the phases)", "< 512", rss, rss < 512));
        long lost = 0;
        long unverified = 0;
        for (Map<String, Object> p : phases) {
            Double accepted = number(p, "accepted");
            Double durable = number(p, "durableFlags");
            if (accepted != null && durable != null) {
                lost += (long) Math.max(0, accepted - durable);
            }
            Double missing = number(p, "deliveries", "missing");
            lost += missing == null ? 0 : missing.longValue();
            Double bad = number(p, "deliveries", "unverified");
            unverified += bad == null ? 0 : bad.longValue();
        }
        out.add(target("flags or deliveries lost, deliveries unverifiable", "0", lost + unverified,
                lost + unverified == 0));
        return out;
    }

    /** A rate target, with the same run's pgbench ceiling and the ratio to it beside the figure. */
    private static void rate(List<Map<String, Object>> out, String what, double goal, Double measured, Double tps) {
        if (measured == null) {
            return;
        }
        Map<String, Object> t = target(what, ">= " + (long) goal, measured, measured >= goal);
        if (tps != null && tps > 0) {
            t.put("pgbenchCommitsPerSecond", round(tps));
            t.put("ofPgbench", round(measured / tps));
        }
        out.add(t);
    }

    /** The number at {@code path} in nested maps, or null when any step is missing or not a number. */
    @SuppressWarnings("unchecked")
    static Double number(Map<String, Object> root, String... path) {
        Object v = root;
        for (String key : path) {
            if (!(v instanceof Map<?, ?> m)) {
                return null;
            }
            v = ((Map<String, Object>) m).get(key);
        }
        return v instanceof Number n ? n.doubleValue() : null;
    }

    private static Object opt(Map<String, Object> phase, String key) {
        return phase == null ? "-" : phase.getOrDefault(key, "-");
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
