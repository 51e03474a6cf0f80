package io.alertrelay.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.alertrelay.bench.Percentiles.round;

/** What the relay's database says about the run: its own latency view and, with --profile, where the time went. */
final class DatabaseReport {

    private DatabaseReport() {
    }

    /** The relay's own view (flag committed -> agency answered) per phase, and the deliveries by status. */
    static Map<String, Object> serverSide(Options opt) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        try (Connection c = RelayDatabase.connect(opt);
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
    static List<Map<String, Object>> topStatements(Options opt) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = RelayDatabase.connect(opt); Statement s = c.createStatement()) {
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
}
