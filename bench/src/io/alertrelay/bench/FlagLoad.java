package io.alertrelay.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.alertrelay.bench.Percentiles.round;

/**
 * The phases that drive flags over HTTP: open loop at a fixed rate, or closed loop at a fixed concurrency
 * (wrk). Each waits (bounded) for its deliveries and reports ingest and end-to-end latency, deliveries
 * expected/received/verified, and the relay's and PostgreSQL's CPU and memory.
 */
final class FlagLoad {

    private static final Pattern AGENCIES = Pattern.compile("\"agencies\":\\[([^\\]]*)\\]");

    private final Options opt;
    private final String token;
    private final VerifyingReceiver receiver;
    private final Sampler sampler;
    private final FlagSender sender;
    private final QuotaProbe quota;

    FlagLoad(Options opt, String token, VerifyingReceiver receiver, Sampler sampler, FlagSender sender,
             QuotaProbe quota) {
        this.opt = opt;
        this.token = token;
        this.receiver = receiver;
        this.sampler = sampler;
        this.sender = sender;
        this.quota = quota;
    }

    /**
     * Open loop: request i is due at start + i/rate whatever happened to earlier ones; its ingest
     * latency counts from that due time (no coordinated omission).
     */
    Map<String, Object> fixedRate(String name, int rate, int seconds, String phase, List<String> letters,
                                  String severity, int codesPerCategory) throws Exception {
        int total = rate * seconds;
        System.out.printf(Locale.ROOT, "phase %-10s %d flags at %d/s (%s, severity %s), from %s%n", name, total,
                rate, letters, severity, Instant.now());
        receiver.expectPhase("BENCH-" + phase);
        long[] due = new long[total];
        long[] answered = new long[total];
        long[] sentAt = new long[total];
        int[] agencies = new int[total];
        String[] flagIds = new String[total];
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        AtomicLong maxLag = new AtomicLong();
        CountDownLatch done = new CountDownLatch(total);
        // at most this many requests in flight: a stalled relay must not make the client open
        // thousands of connections (a late send still counts its latency from its due time)
        Semaphore inFlight = new Semaphore(256);
        AtomicBoolean probing = new AtomicBoolean(name.equals("ingest"));
        Thread probe = probing.get() ? quota.startUnderLoad(probing) : null;
        Sampler.Mark mark = sampler.mark();
        long start = System.nanoTime() + 20_000_000L;
        long interval = 1_000_000_000L / rate;
        for (int i = 0; i < total; i++) {
            String letter = letters.get(i % letters.size());
            String code = String.format(Locale.ROOT, "BENCH-%s-%s-%06d", phase, letter,
                    1 + (i / letters.size()) % codesPerCategory);
            due[i] = start + i * interval;
            long wait;
            while ((wait = due[i] - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            inFlight.acquireUninterruptibly();
            sentAt[i] = System.nanoTime();
            maxLag.accumulateAndGet(sentAt[i] - due[i], Math::max);
            int n = i;
            sender.send(code, severity, (status, body) -> {
                answered[n] = System.nanoTime();
                inFlight.release();
                if (status == 202) {
                    Matcher m = VerifyingReceiver.FLAG_ID.matcher(body);
                    if (m.find()) {
                        flagIds[n] = m.group(1);
                        receiver.accepted(m.group(1), answered[n], due[n]);
                    }
                    Matcher a = AGENCIES.matcher(body);
                    agencies[n] = a.find() && !a.group(1).isBlank() ? a.group(1).split(",").length : 0;
                    accepted.incrementAndGet();
                } else if (other.incrementAndGet() <= 3) {
                    System.err.println("  not accepted: " + (status < 0 ? body : status + " " + body));
                }
                done.countDown();
            });
        }
        done.await(seconds + 60L, TimeUnit.SECONDS);
        long end = 0;
        for (int i = 0; i < total; i++) {
            if (flagIds[i] != null) {
                end = Math.max(end, answered[i]); // the rate is of accepted flags, not of a watchdog's wait
            }
        }
        probing.set(false);
        if (probe != null) {
            probe.join();
        }
        Sampler.Usage usage = sampler.since(mark);
        int expected = 0;
        List<Long> ingest = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            if (flagIds[i] != null) {
                expected += agencies[i];
                ingest.add(answered[i] - due[i]);
            }
        }
        // the outbox is the truth: a flag whose 202 timed out at the client may still have committed
        int outbox = (int) RelayDatabase.deliveries(opt, phase);
        VerifyingReceiver.PhaseDeliveries deliveries = receiver.await("BENCH-" + phase, outbox, Duration.ofSeconds(120));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("mode", "fixed rate (open loop)");
        out.put("targetRate", rate);
        out.put("seconds", seconds);
        out.put("categories", letters.stream().map(BenchCatalogue.CATEGORIES::get).toList());
        out.put("agenciesPerFlag", total == 0 ? 0 : round((double) expected / Math.max(1, accepted.get())));
        out.put("sent", total);
        out.put("accepted", accepted.get());
        out.put("notAccepted", other.get());
        out.put("acceptedPerSecond", round(accepted.get() / ((end - start) / 1e9)));
        out.put("maxSendLagMs", round(maxLag.get() / 1e6));
        out.put("ingestMs", Percentiles.of(ingest));
        out.put("bySecond", bySecond(due, sentAt, answered, flagIds, start, seconds));
        out.put("endToEndMs", Percentiles.of(deliveries.fromAccepted()));
        out.put("endToEndFromSendMs", Percentiles.of(deliveries.fromSend()));
        out.put("deliveredBefore202", deliveries.before202());
        long durable = RelayDatabase.flags(opt, phase);
        out.put("durableFlags", durable);
        out.put("deliveries", deliveries.counts(outbox));
        out.put("resources", usage.toMap());
        out.put("cpuMsPerFlag", usage.perFlag(durable));
        if (name.equals("e2e")) {
            quota.readInPipeline();
        }
        return out;
    }

    /**
     * Where in the phase a tail sits: for each second of due times, the ingest p99 and max (from the due time)
     * and the client's own worst send lag (a late send is the bench's stall, not the relay's).
     */
    private static Map<String, Object> bySecond(long[] due, long[] sentAt, long[] answered, String[] flagIds,
                                                long start, int seconds) {
        List<List<Long>> ingest = new ArrayList<>();
        long[] lag = new long[seconds];
        for (int s = 0; s < seconds; s++) {
            ingest.add(new ArrayList<>());
        }
        for (int i = 0; i < due.length; i++) {
            int s = (int) Math.min(seconds - 1, Math.max(0, (due[i] - start) / 1_000_000_000L));
            lag[s] = Math.max(lag[s], sentAt[i] - due[i]);
            if (flagIds[i] != null) {
                ingest.get(s).add(answered[i] - due[i]);
            }
        }
        List<Object> p99 = new ArrayList<>();
        List<Object> max = new ArrayList<>();
        List<Object> sendLag = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
            Map<String, Object> p = Percentiles.of(ingest.get(s));
            p99.add(p.getOrDefault("p99", 0));
            max.add(p.getOrDefault("max", 0));
            sendLag.add(round(lag[s] / 1e6));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ingestP99Ms", p99);
        out.put("ingestMaxMs", max);
        out.put("maxSendLagMs", sendLag);
        return out;
    }

    /**
     * Closed loop: wrk keeps {@code connections} requests in flight for the phase, flags spread over
     * {@code codes} product codes (code number {@code k} of category {@code letters[k % letters]}), so
     * {@code codes = 1} puts every flag on one code.
     */
    Map<String, Object> closedLoop(String name, int connections, int seconds, String phase, List<String> letters,
                                   int codes) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("mode", "fixed concurrency (closed loop, wrk)");
        out.put("connections", connections);
        out.put("seconds", seconds);
        out.put("categories", letters.stream().map(BenchCatalogue.CATEGORIES::get).toList());
        out.put("codes", codes);
        if (opt.wrk().isEmpty()) {
            out.put("skipped", "wrk not found");
            return out;
        }
        System.out.printf(Locale.ROOT, "phase %-10s %d connections for %d s over %d codes, from %s%n", name,
                connections, seconds, codes, Instant.now());
        receiver.expectPhase("BENCH-" + phase);
        Path script = Files.createTempFile("bench-flags", ".lua");
        Files.writeString(script, """
                local threads = 0
                setup = function(thread) thread:set("id", threads); threads = threads + 1 end
                local counter, cats, n = 0, {%s}, %d
                init = function(args) counter = wrk.thread:get("id") * 7919 end
                wrk.method = "POST"
                wrk.body = '{"reason":"counterfeit","severity":"high","note":"bench"}'
                wrk.headers["Content-Type"] = "application/json"
                %s
                request = function()
                  counter = counter + 1
                  local k = counter %% n
                  local path = string.format("/api/codes/BENCH-%s-%%s-%%06d/flag", cats[(k %% #cats) + 1], k + 1)
                  return wrk.format(nil, path)
                end
                """.formatted(String.join(", ", letters.stream().map(l -> "\"" + l + "\"").toList()), codes,
                token.isEmpty() ? "" : "wrk.headers[\"Authorization\"] = \"Bearer " + token + "\"",
                phase) + Ceilings.WRK_DONE);
        long before = RelayDatabase.flags(opt, phase);
        Sampler.Mark mark = sampler.mark();
        long loadStart = System.nanoTime();
        List<String> cmd = List.of(opt.wrk(), "-t", "2", "-c", String.valueOf(connections), "-d", seconds + "s",
                "--timeout", "10s", "-s", script.toString(), opt.url());
        Map<String, Object> wrk = Ceilings.wrkResult(Commands.run(cmd, seconds + 60));
        Sampler.Usage usage = sampler.since(mark);
        long flags = RelayDatabase.flags(opt, phase) - before;
        long expected = RelayDatabase.deliveries(opt, phase);
        long drainStart = System.nanoTime();
        VerifyingReceiver.PhaseDeliveries deliveries = receiver.await("BENCH-" + phase, (int) expected,
                Duration.ofSeconds(180));
        // the CPU of the whole work, flags and their deliveries: from the load's start to the last arrival
        Sampler.Usage untilDelivered = sampler.since(mark);
        out.put("wrk", wrk);
        out.put("durableFlags", flags);
        double secs = wrk.get("seconds") instanceof Double d ? d : seconds;
        long accepted = ((Number) wrk.getOrDefault("requests", 0L)).longValue()
                - ((Number) wrk.getOrDefault("non2xx", 0L)).longValue();
        // each 2xx came after its flag's commit: fewer flags in the database than that is a lost flag
        out.put("accepted", accepted);
        out.put("acceptedPerSecond", round(accepted / secs));
        out.put("durableFlagsPerSecond", round(flags / secs));
        out.put("ingestMs", Map.of("p50", wrk.getOrDefault("p50Ms", 0), "p95", wrk.getOrDefault("p95Ms", 0),
                "p99", wrk.getOrDefault("p99Ms", 0), "max", wrk.getOrDefault("maxMs", 0)));
        out.put("deliveries", deliveries.counts((int) expected));
        double drain = deliveries.lastArrivalNanos() > drainStart ? (deliveries.lastArrivalNanos() - drainStart) / 1e9 : 0;
        out.put("deliveryDrainSecondsAfterLoad", round(drain));
        if (expected > 0) {
            // flags accepted and delivered: every delivery in, from the load's start to the last arrival
            double deliveriesPerFlag = (double) expected / Math.max(1, flags);
            double deliveredFlags = Math.min(flags, deliveries.distinct() / deliveriesPerFlag);
            double untilLast = Math.max(secs, (deliveries.lastArrivalNanos() - loadStart) / 1e9);
            out.put("deliveredFlags", Math.round(deliveredFlags));
            out.put("acceptedAndDeliveredPerSecond", round(deliveredFlags / untilLast));
            out.put("cpuMsPerDeliveredFlag", untilDelivered.perFlag(Math.round(deliveredFlags)));
        }
        out.put("resources", usage.toMap());
        out.put("cpuMsPerFlag", usage.perFlag(flags));
        Files.deleteIfExists(script);
        return out;
    }
}
