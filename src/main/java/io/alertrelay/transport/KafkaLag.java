package io.alertrelay.transport;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Consumer lag of the relay's group per topic: the records published but not yet committed by the
 * relay (end offset minus committed offset, summed over the topic's partitions). Uses a Kafka admin
 * client with the component's own connection and security settings.
 */
public final class KafkaLag implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 5;

    private final Admin admin;
    private final String groupId;

    private KafkaLag(Admin admin, String groupId) {
        this.admin = admin;
        this.groupId = groupId;
    }

    public static KafkaLag connect(CamelContext camel, String groupId) {
        KafkaComponent component = camel.getComponent("kafka", KafkaComponent.class);
        Properties props = new Properties();
        // the consumer properties carry the component's security options (SSL, SASL ...)
        component.getConfiguration().createConsumerProperties().forEach((k, v) -> {
            String key = String.valueOf(k);
            if (key.startsWith("security.") || key.startsWith("ssl.") || key.startsWith("sasl.")) {
                props.put(key, v);
            }
        });
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, component.getConfiguration().getBrokers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "alert-relay-lag");
        props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put("default.api.timeout.ms", "5000");
        return new KafkaLag(Admin.create(props), groupId);
    }

    /** Lag per topic of {@code topics}; a topic the group never committed on counts from its first record. */
    public Map<String, Long> lag(Collection<String> topics) throws Exception {
        if (topics.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<String, org.apache.kafka.clients.admin.TopicDescription> described = admin.describeTopics(topics)
                .allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        described.forEach((topic, d) -> d.partitions().forEach(p -> {
            TopicPartition tp = new TopicPartition(topic, p.partition());
            latest.put(tp, OffsetSpec.latest());
            earliest.put(tp, OffsetSpec.earliest());
        }));
        var ends = admin.listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        var starts = admin.listOffsets(earliest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return latest.keySet().stream().collect(Collectors.groupingBy(TopicPartition::topic, Collectors.summingLong(tp -> {
            OffsetAndMetadata c = committed.get(tp);
            long from = c != null ? c.offset() : starts.get(tp).offset();
            return Math.max(0, ends.get(tp).offset() - from);
        })));
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(2));
    }
}
