package io.alertrelay.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Alert Relay benchmark (SPEC §10), run by bench/run.sh against a relay it started on a fresh
 * embedded database. In one JVM, so send, 202 and arrival times share one clock:
 * <ol>
 *   <li>points the demo agencies at an in-process receiver (TCP_NODELAY) that verifies every
 *       Standard Webhooks signature with the reference library, lifts their quotas and adds a bench
 *       catalogue ({@link BenchCatalogue}, {@link VerifyingReceiver});</li>
 *   <li>measures the machine's ceilings: pgbench single-row INSERT commits and wrk against a trivial
 *       endpoint, both at the closed-loop phases' client count ({@link Ceilings});</li>
 *   <li>drives flags: warm-up, fixed rates (open loop, latency from the intended send time) and a
 *       fixed concurrency (closed loop, wrk) ({@link FlagLoad}), sampling CPU and memory ({@link Sampler});</li>
 *   <li>prints a table and writes JSON ({@link Report}, {@link Targets}).</li>
 * </ol>
 */
public final class RelayBench {

    /** The many-code phase's spread: flags over this many product codes (SPEC §10's hot code compares with it). */
    static final int MANY_CODES = 500;

    private RelayBench() {
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
        report.put("machine", Machine.describe());
        report.put("settings", Map.of("warmupSeconds", opt.warmupSeconds(), "phaseSeconds", opt.seconds(),
                "e2eRate", opt.e2eRate(), "ingestRate", opt.ingestRate(), "concurrency", opt.concurrency(),
                "ceilingSeconds", opt.ceilingSeconds(), "label", opt.label()));
        String token = BearerToken.reporter(opt.jwtSecret());
        int codesPerCategory = Math.max(1000, Math.max(opt.e2eRate(), opt.ingestRate()) * opt.seconds() / 3 + 1000);
        // the warm-up runs at the e2e rate: per-flag code must be called ~15,000 times before C2 compiles it, and a
        // warm-up of 7,500 flags (half the rate, 30 s) left the compilations to the first measured phase (jstat)
        int warmupRate = Math.max(100, opt.e2eRate());
        int warmupCodes = Math.max(1000, warmupRate * opt.warmupSeconds() + 1000);
        // the warm-up's second half runs at the ingest rate over the delivered categories: enough codes for it
        int warmupIngestCodes = Math.max(1000, opt.ingestRate() * opt.warmupSeconds() / 3 + 1000);
        int intakeCodes = Math.max(5000, opt.concurrency() * 1500 * opt.seconds() / 30);
        List<String> deliveredLetters = List.of("D", "F", "C");
        List<BenchCatalogue.PhaseCodes> codes = List.of(
                new BenchCatalogue.PhaseCodes("W", deliveredLetters, warmupCodes),
                new BenchCatalogue.PhaseCodes("V", deliveredLetters, warmupIngestCodes),
                new BenchCatalogue.PhaseCodes("E", deliveredLetters, codesPerCategory),
                new BenchCatalogue.PhaseCodes("I", deliveredLetters, codesPerCategory),
                new BenchCatalogue.PhaseCodes("N", List.of("O"), codesPerCategory),
                new BenchCatalogue.PhaseCodes("M", deliveredLetters, MANY_CODES),
                new BenchCatalogue.PhaseCodes("H", deliveredLetters.subList(0, 1), 1),
                new BenchCatalogue.PhaseCodes("O", List.of("O"), intakeCodes),
                new BenchCatalogue.PhaseCodes("J", List.of("D"), 1), // the Kafka phase's probe
                new BenchCatalogue.PhaseCodes("K", List.of("D"), KafkaPhase.codes(opt)));

        try (VerifyingReceiver receiver = new VerifyingReceiver();
             Sampler sampler = new Sampler(opt.pid(), RelayDatabase.postmasterPid(opt));
             FlagSender sender = new FlagSender(opt, token);
             MetricsScraper metrics = new MetricsScraper(opt, token)) {
            receiver.secrets(BenchCatalogue.setUp(opt, receiver, codes));
            sampler.start();

            // ---- the ceilings first, the relay idle; then the warm-up (JIT, pools, connections), not
            // reported, right before the measured phases (pgbench's 100,000s of commits leave checkpoint
            // and vacuum work behind, which the warm-up absorbs instead of the first measured phase)
            Map<String, Object> ceilings = new LinkedHashMap<>();
            ceilings.put("pgbenchInsert", Ceilings.pgbench(opt));
            ceilings.put("httpTrivial", Ceilings.wrkTrivial(opt, token));
            report.put("ceilings", ceilings);
            // scraped from here on, as a deployed relay is: its first scrape is then not inside a measured phase
            metrics.start();
            QuotaProbe quota = new QuotaProbe(opt, metrics);
            FlagLoad load = new FlagLoad(opt, token, receiver, sampler, sender, quota);
            // in two halves, the fixed-rate phases' loads: the e2e phase's (critical cosmetics, two agencies, its
            // rate), then the ingest phase's (every delivered category, one agency each, its rate), so that no measured
            // phase is the first of its load. A warm-up of the first alone left the ingest phase's agencies their
            // first deliveries (the secrets' first decryption) and C2 138 deoptimizations around the step (57 of them
            // unstable_if, against < 20 in steady seconds). Its first seconds still have the phase's tail: bySecond
            int half = Math.max(1, opt.warmupSeconds() / 2);
            load.fixedRate("warmup", warmupRate, half, "W", List.of("C"), "critical", warmupCodes);
            load.fixedRate("warmup", opt.ingestRate(), Math.max(1, opt.warmupSeconds() - half), "V", deliveredLetters,
                    "high", warmupIngestCodes);

            List<Map<String, Object>> phases = new ArrayList<>();
            phases.add(load.fixedRate("e2e", opt.e2eRate(), opt.seconds(), "E", List.of("C"), "critical",
                    codesPerCategory));
            phases.add(load.fixedRate("ingest", opt.ingestRate(), opt.seconds(), "I", deliveredLetters, "high",
                    codesPerCategory));
            // the same rate with flags no agency hears of: the intake's latency when it has the machine to itself
            phases.add(load.fixedRate("ingest-only", opt.ingestRate(), opt.seconds(), "N", List.of("O"), "high",
                    codesPerCategory));
            // accepted and delivered at a fixed concurrency, one agency per flag: flags spread over 500 codes, then
            // every flag on one code (a counterfeit going viral), at the same concurrency (SPEC §10: >= 0.9x)
            phases.add(load.closedLoop("many-codes", opt.concurrency(), opt.seconds(), "M", deliveredLetters,
                    MANY_CODES));
            phases.add(load.closedLoop("one-code", opt.concurrency(), opt.seconds(), "H", deliveredLetters, 1));
            // the intake on its own: flags of a category no agency hears of (recorded, no deliveries)
            phases.add(load.closedLoop("intake", opt.concurrency(), opt.seconds(), "O", List.of("O"), intakeCodes));
            // last: it points NAFDAC's alerts at a Kafka topic
            if (opt.kafkaBrokers().isEmpty()) {
                report.put("kafka", Map.of("skipped", opt.kafkaSkipped()));
            } else {
                phases.add(new KafkaPhase(opt, BearerToken.admin(opt.jwtSecret()), sampler).run());
            }
            report.put("phases", phases);
            report.put("quotaCheck", Map.of("inPipeline", quota.inPipeline(), "underLoad", quota.underLoad(),
                    "idle", quota.idle()));
            report.put("metricsScrapes", metrics.summary());
            report.put("serverSide", DatabaseReport.serverSide(opt));
            report.put("ratios", Report.ratios(ceilings, phases));
            report.put("targets", Targets.of(report, phases));
            if (opt.profile()) {
                report.put("topStatements", DatabaseReport.topStatements(opt));
            }
            report.put("finishedAt", Instant.now().toString());
        }
        Path file = Report.writeJson(opt, report);
        Report.printTable(report);
        System.out.println("\nJSON: " + file);
        List<String> problems = Targets.problems(report);
        if (opt.check() && !problems.isEmpty()) {
            // --check (bench/run.sh --smoke, run by CI): the benchmark must still work end to end; no timing is judged
            System.out.println("bench check FAILED:");
            problems.forEach(p -> System.out.println("  - " + p));
            System.exit(3);
        }
        System.exit(0);
    }
}
