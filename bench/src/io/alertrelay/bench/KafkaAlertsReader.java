package io.alertrelay.bench;

import com.standardwebhooks.Webhook;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kafka agency's side of the Kafka phase: reads the alerts topic in a group of its own, verifies every
 * record's Standard Webhooks signature from its headers, and records the first arrival of each product code.
 */
final class KafkaAlertsReader implements Runnable {
    private static final Pattern CODE = Pattern.compile("\"code\":\"(BENCH-K-D-\\d{6})\"");
    private final String brokers;
    private final String topic;
    private final Webhook verifier;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean assigned = new AtomicBoolean();
    final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    final AtomicInteger records = new AtomicInteger();
    final AtomicInteger verified = new AtomicInteger();
    final AtomicInteger unverified = new AtomicInteger();
    final AtomicInteger duplicates = new AtomicInteger();
    final AtomicLong lastArrival = new AtomicLong();

    KafkaAlertsReader(String brokers, String topic, Webhook verifier) {
        this.brokers = brokers;
        this.topic = topic;
        this.verifier = verifier;
    }

    @Override
    public void run() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-agency-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            while (running.get()) {
                var batch = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                assigned.compareAndSet(false, !consumer.assignment().isEmpty());
                for (ConsumerRecord<String, String> r : batch) {
                    record(now, r);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("kafka alerts reader: " + e);
        }
    }

    private void record(long now, ConsumerRecord<String, String> r) {
        records.incrementAndGet();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
            Header h = r.headers().lastHeader(name);
            headers.put(name, h == null ? List.of() : List.of(new String(h.value(), StandardCharsets.UTF_8)));
        }
        try {
            verifier.verify(r.value(), headers);
            verified.incrementAndGet();
        } catch (Exception e) {
            unverified.incrementAndGet();
        }
        Matcher m = CODE.matcher(r.value());
        if (m.find()) {
            if (arrivals.putIfAbsent(m.group(1), now) == null) {
                lastArrival.accumulateAndGet(now, Math::max);
            } else {
                duplicates.incrementAndGet();
            }
        }
    }

    void awaitAssigned() throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!assigned.get() && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        if (!assigned.get()) {
            throw new IllegalStateException("the alerts consumer got no partitions of " + topic + " in 30 s");
        }
    }

    /** Waits (bounded) until {@code n} records of any code were read. */
    void awaitRecords(int n, Duration limit) throws InterruptedException {
        long until = System.nanoTime() + limit.toNanos();
        while (records.get() < n && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        if (records.get() < n) {
            throw new IllegalStateException("no alert record on " + topic + " within " + limit.toSeconds() + " s");
        }
    }

    /** Forgets what was read so far (the probe before the measured records). */
    void reset() {
        arrivals.clear();
        records.set(0);
        verified.set(0);
        unverified.set(0);
        duplicates.set(0);
        lastArrival.set(0);
    }

    void stop() {
        running.set(false);
    }
}
