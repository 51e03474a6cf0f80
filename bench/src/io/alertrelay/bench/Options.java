package io.alertrelay.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The benchmark's settings, as bench/run.sh passes them ({@code --name value} pairs). Without
 * {@code kafkaBrokers} the Kafka phase is skipped, for the reason in {@code kafkaSkipped}.
 */
record Options(String url, String dbUrl, long pid, String jwtSecret, String masterKey, Path out, int warmupSeconds,
               int seconds, int e2eRate, int ingestRate, int concurrency, int ceilingSeconds, String wrk,
               String pgbench, int quotaProbes, String label, boolean profile, boolean check, String kafkaBrokers,
               int kafkaRate, String kafkaSkipped) {

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
                o.getOrDefault("label", ""), "1".equals(o.get("profile")), "1".equals(o.get("check")),
                o.getOrDefault("kafka-brokers", ""), Integer.parseInt(o.getOrDefault("kafka-rate", "100")),
                o.getOrDefault("kafka-skipped", "no broker given (--kafka-brokers)"));
    }
}
