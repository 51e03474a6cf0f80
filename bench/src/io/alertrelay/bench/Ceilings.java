package io.alertrelay.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.alertrelay.bench.Percentiles.round;

/**
 * This machine's ceilings, measured in the same run as the phases and at their client count: pgbench's
 * single-row INSERT commits against the relay's own database, and wrk against a route answering a constant.
 */
final class Ceilings {

    /** wrk's done() hook: one machine-readable line (the flag phases' wrk scripts end with it too). */
    static final String WRK_DONE = """
            done = function(summary, latency, requests)
              local e = summary.errors
              io.write(string.format("WRKRESULT requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d "
                .. "connect=%d read=%d write=%d status=%d timeout=%d\\n",
                summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
                latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
            end
            """;

    private Ceilings() {
    }

    static Map<String, Object> pgbench(Options opt) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        if (opt.pgbench().isEmpty()) {
            out.put("skipped", "pgbench not found");
            return out;
        }
        URI db = URI.create(opt.dbUrl().substring("jdbc:".length()));
        try (Connection c = RelayDatabase.connect(opt); Statement s = c.createStatement()) {
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
        String text = Commands.run(cmd, opt.ceilingSeconds() + 60);
        out.put("clients", opt.concurrency());
        out.put("seconds", opt.ceilingSeconds());
        out.put("tps", Commands.number(text, "tps = ([0-9.]+)"));
        out.put("latencyAvgMs", Commands.number(text, "latency average = ([0-9.]+) ms"));
        try (Connection c = RelayDatabase.connect(opt); Statement s = c.createStatement()) {
            s.execute("DROP TABLE bench_ceiling");
        }
        Files.deleteIfExists(script);
        return out;
    }

    static Map<String, Object> wrkTrivial(Options opt, String token) throws Exception {
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
        Commands.run(warm, opt.ceilingSeconds() + 60);
        System.out.println("ceiling: wrk -t 2 -c " + opt.concurrency() + " -d " + opt.ceilingSeconds() + "s " + target);
        Map<String, Object> parsed = wrkResult(Commands.run(cmd, opt.ceilingSeconds() + 60));
        out.put("endpoint", "GET /bench/ping (a bench-only route answering a constant)");
        out.put("connections", opt.concurrency());
        out.putAll(parsed);
        Files.deleteIfExists(script);
        return out;
    }

    /** The WRKRESULT line of {@link #WRK_DONE}: requests, rate, latency percentiles, errors. */
    static Map<String, Object> wrkResult(String text) {
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
}
