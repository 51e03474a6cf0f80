package io.alertrelay.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Latency percentiles (nanoseconds in, milliseconds out) and the rounding every figure of the report gets. */
final class Percentiles {

    private Percentiles() {
    }

    /** n, p50, p95, p99 and max in ms; only n when there is nothing to measure. */
    static Map<String, Object> of(List<Long> nanos) {
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

    /** Two decimals: the report's figures are read by people. */
    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
