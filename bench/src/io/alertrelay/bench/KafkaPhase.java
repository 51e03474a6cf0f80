package io.alertrelay.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static io.alertrelay.bench.Percentiles.round;

/**
 * Kafka both ways (docs/kafka.md): a Kafka partner publishes signed flags to its topic at a fixed rate
 * (open loop), the relay consumes them and delivers each flag's alert to an agency whose target is
 * {@code kafka:<topic>}; an agency's consumer reads that topic and verifies every record's Standard
 * Webhooks signature from its headers. End to end is partner publish (due time) to alert record read.
 */
final class KafkaPhase {

    /** The agency whose alerts go to the Kafka topic: drugs, so a BENCH-K-D code has exactly one delivery. */
    private static final String AGENCY = "NAFDAC";

    private final Options opt;
    private final String adminToken;
    private final Sampler sampler;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    KafkaPhase(Options opt, String adminToken, Sampler sampler) {
        // the clients' INFO lines (every config at every start) would bury the bench's own output
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.kafka"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        this.opt = opt;
        this.adminToken = adminToken;
        this.sampler = sampler;
    }

    /** Codes the phase needs: one per record. */
    static int codes(Options opt) {
        return opt.kafkaRate() * opt.seconds() + 10;
    }

    Map<String, Object> run() throws Exception {
        int rate = opt.kafkaRate();
        int total = rate * opt.seconds();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String partnerTopic = "bench.partner." + suffix;
        String alertsTopic = "bench.alerts." + suffix;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, opt.kafkaBrokers()))) {
            admin.createTopics(List.of(new NewTopic(partnerTopic, 2, (short) 1), new NewTopic(alertsTopic, 3, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        String agencySecret = post("/api/admin/management/webhooks/" + AGENCY + "/register",
                "{\"webhookUrl\":\"kafka:" + alertsTopic + "\"}").get("secret").asText();
        String partner = "bench-kafka-" + suffix;
        String partnerSecret = post("/api/admin/partners", "{\"name\":\"" + partner + "\",\"transport\":\"kafka\","
                + "\"source\":\"" + partnerTopic + "\"}").get("secret").asText();
        awaitConsumerStarted(partner);

        System.out.printf(Locale.ROOT, "phase %-10s %d signed records at %d/s to %s, alerts from %s, from %s%n", "kafka",
                total, rate, partnerTopic, alertsTopic, Instant.now());
        KafkaAlertsReader reader = new KafkaAlertsReader(opt.kafkaBrokers(), alertsTopic, new Webhook(agencySecret));
        Thread readerThread = new Thread(reader, "kafka-alerts-reader");
        readerThread.start();
        reader.awaitAssigned();

        long[] due = new long[total];
        AtomicInteger acked = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong lastAck = new AtomicLong();
        Webhook signer = new Webhook(partnerSecret);
        Sampler.Mark mark;
        long start;
        long interval = 1_000_000_000L / rate;
        try (KafkaProducer<String, String> producer = producer()) {
            // one record first, not measured: the relay's consumer has joined its group and the path is warm
            producer.send(signed(partnerTopic, "msg_bench_" + suffix + "_probe", "BENCH-J-D-000001", signer)).get(30,
                    TimeUnit.SECONDS);
            reader.awaitRecords(1, Duration.ofSeconds(60));
            reader.reset();
            mark = sampler.mark();
            start = System.nanoTime() + 20_000_000L;
            for (int i = 0; i < total; i++) {
                due[i] = start + i * interval;
                long wait;
                while ((wait = due[i] - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                producer.send(signed(partnerTopic, "msg_bench_" + suffix + "_" + i, code(i), signer), (meta, error) -> {
                    if (error == null) {
                        acked.incrementAndGet();
                        lastAck.accumulateAndGet(System.nanoTime(), Math::max);
                    } else if (failed.incrementAndGet() <= 3) {
                        System.err.println("  not acknowledged by the broker: " + error);
                    }
                });
            }
            producer.flush();
        }
        // every acknowledged record must become a flag, and every flag's outbox row an alert record
        // (the relay's partner consumer may be far behind the rate: wait while it makes progress)
        long durable = awaitProgress(() -> RelayDatabase.flags(opt, "K"), acked.get());
        long outbox = RelayDatabase.deliveries(opt, "K");
        awaitProgress(() -> reader.arrivals.size(), outbox);
        Thread.sleep(500); // late duplicates, if any, are counted too
        Sampler.Usage usage = sampler.since(mark);
        reader.stop();
        readerThread.join(10_000);

        List<Long> endToEnd = new ArrayList<>();
        reader.arrivals.forEach((code, arrived) -> endToEnd.add(arrived - due[Integer.parseInt(code.substring(10)) - 1]));
        VerifyingReceiver.PhaseDeliveries deliveries = new VerifyingReceiver.PhaseDeliveries(reader.arrivals.size(),
                reader.records.get(), reader.verified.get(), reader.unverified.get(), reader.duplicates.get(), endToEnd,
                endToEnd, 0, reader.lastArrival.get());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", "kafka");
        out.put("mode", "fixed rate (open loop): signed partner records in, alerts out to a kafka: target");
        out.put("targetRate", rate);
        out.put("seconds", opt.seconds());
        out.put("topics", Map.of("partner", partnerTopic, "alerts", alertsTopic));
        out.put("sent", total);
        out.put("accepted", acked.get());
        out.put("notAccepted", failed.get());
        out.put("acceptedPerSecond", round(acked.get() / Math.max(1e-9, (lastAck.get() - start) / 1e9)));
        out.put("ingestMs", Map.of());
        out.put("endToEndMs", Percentiles.of(endToEnd));
        out.put("durableFlags", durable);
        out.put("deliveries", deliveries.counts((int) outbox));
        double untilLast = (reader.lastArrival.get() - start) / 1e9;
        if (untilLast > 0) {
            out.put("acceptedAndDeliveredPerSecond", round(reader.arrivals.size() / untilLast));
        }
        out.put("resources", usage.toMap());
        out.put("cpuMsPerDeliveredFlag", usage.perFlag(reader.arrivals.size()));
        return out;
    }

    /** A partner's record: a counterfeit scan of {@code code}, signed with Standard Webhooks headers. */
    private static ProducerRecord<String, String> signed(String topic, String id, String code, Webhook signer)
            throws Exception {
        long now = Instant.now().getEpochSecond();
        String body = "{\"type\":\"scan.counterfeit_detected\",\"timestamp\":\"" + Instant.now()
                + "\",\"data\":{\"code\":\"" + code + "\",\"severity\":\"high\"}}";
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, id, body);
        record.headers().add("webhook-id", id.getBytes(StandardCharsets.UTF_8));
        record.headers().add("webhook-timestamp", String.valueOf(now).getBytes(StandardCharsets.UTF_8));
        record.headers().add("webhook-signature", signer.sign(id, now, body).getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static String code(int i) {
        return String.format(Locale.ROOT, "BENCH-K-D-%06d", i + 1);
    }

    private KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, opt.kafkaBrokers());
        p.put(ProducerConfig.ACKS_CONFIG, "all"); // as a partner that must not lose a scan would
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private interface Count {
        long get() throws Exception;
    }

    /** Waits until {@code count} reaches {@code expected}, or stops growing for 30 s; returns the last count. */
    private static long awaitProgress(Count count, long expected) throws Exception {
        long n = count.get();
        long last = n;
        long lastGrowth = System.nanoTime();
        long lastNote = lastGrowth;
        while (n < expected && System.nanoTime() - lastGrowth < Duration.ofSeconds(30).toNanos()) {
            Thread.sleep(250); // a benchmark polling a counter, not a test synchronising
            n = count.get();
            if (n > last) {
                last = n;
                lastGrowth = System.nanoTime();
            }
            if (System.nanoTime() - lastNote > Duration.ofSeconds(15).toNanos()) {
                System.out.printf(Locale.ROOT, "  kafka: %d of %d so far%n", n, expected);
                lastNote = System.nanoTime();
            }
        }
        return n;
    }

    /** Waits (bounded) until the relay runs the partner's consumer: records published before would wait for it. */
    private void awaitConsumerStarted(String partner) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String state = "";
        while (System.nanoTime() < until) {
            JsonNode consumer = get("/api/admin/partners/" + partner).path("consumer");
            state = consumer.path("state").asText();
            if (state.equals("Started")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the relay's consumer of partner " + partner + " is not started: " + state);
    }

    private JsonNode post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(opt.url() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), path);
    }

    private JsonNode get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(opt.url() + path)).GET(), path);
    }

    private JsonNode send(HttpRequest.Builder request, String path) throws Exception {
        request.timeout(Duration.ofSeconds(30));
        if (!adminToken.isEmpty()) {
            request.header("Authorization", "Bearer " + adminToken);
        }
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return json.readTree(r.body());
    }
}
