package io.alertrelay.support;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The test harness itself: a real broker that round-trips records and survives a stop and start. */
class KafkaBrokerTest {

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aRecordWithHeadersRoundTripsAndTheBrokerComesBackAfterAStop() {
        long t0 = System.nanoTime();
        KafkaBroker broker = KafkaBroker.shared();
        System.out.println("broker started in " + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms");
        assertThat(KafkaBroker.shared()).isSameAs(broker);
        assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");

        String topic = "harness." + UUID.randomUUID().toString().substring(0, 8);
        broker.createTopic(topic, 2);
        broker.send(topic, "k-1", "{\"n\":1}", Map.of("webhook-id", "msg_1", "trace", "ünïcode"));

        List<ConsumerRecord<String, String>> records = broker.poll(topic, 1, Duration.ofSeconds(30));
        assertThat(records).hasSize(1);
        ConsumerRecord<String, String> r = records.get(0);
        assertThat(r.key()).isEqualTo("k-1");
        assertThat(r.value()).isEqualTo("{\"n\":1}");
        assertThat(header(r, "webhook-id")).isEqualTo("msg_1");
        assertThat(header(r, "trace")).isEqualTo("ünïcode");

        broker.stop();
        assertThat(broker.isRunning()).isFalse();
        long t1 = System.nanoTime();
        broker.startAgain();
        System.out.println("broker started again in " + Duration.ofNanos(System.nanoTime() - t1).toMillis() + " ms");
        assertThat(broker.isRunning()).isTrue();

        // same port, same data: the record from before the stop is still there, and a new one joins it
        broker.send(topic, "k-2", "{\"n\":2}", Map.of("webhook-id", "msg_2"));
        List<ConsumerRecord<String, String>> after = broker.poll(topic, 2, Duration.ofSeconds(30));
        assertThat(after).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("k-1", "k-2");
        assertThat(after).filteredOn(x -> x.key().equals("k-2")).singleElement()
                .satisfies(x -> assertThat(header(x, "webhook-id")).isEqualTo("msg_2"));

        // a topic nobody created yet is auto-created on first send, with the broker's default partitions
        String auto = "harness.auto." + UUID.randomUUID().toString().substring(0, 8);
        broker.send(auto, "a", "b", Map.of());
        assertThat(broker.poll(auto, 1, Duration.ofSeconds(30))).singleElement()
                .satisfies(x -> assertThat(x.value()).isEqualTo("b"));
    }
}
