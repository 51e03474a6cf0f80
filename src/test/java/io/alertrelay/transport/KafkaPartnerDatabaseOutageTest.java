package io.alertrelay.transport;

import io.alertrelay.support.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** PostgreSQL down under a Kafka partner's consumer: no offset committed past the database, none skipped. */
class KafkaPartnerDatabaseOutageTest extends BrokerPartnerDatabaseOutage {

    private final KafkaBroker broker = KafkaBroker.shared();

    @Override
    Map<String, String> brokerSettings() {
        return Map.of("relay.kafka.brokers", broker.bootstrapServers());
    }

    @Override
    Map<String, String> source(String partner) {
        broker.createTopic("partners." + partner, 1);
        return Map.of("transport", "kafka", "source", "partners." + partner);
    }

    @Override
    void publish(String source, String webhookId, String body, Map<String, String> headers) {
        broker.send(source, webhookId, body, headers);
    }

    @Override
    int deadLetters(String source) {
        return broker.poll(source + ".dlq", 1, Duration.ofSeconds(2)).size();
    }

    /** The offset the relay's consumer group committed on the topic's one partition. */
    @Override
    long acknowledged(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("alert-relay")
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            OffsetAndMetadata o = offsets.get(new TopicPartition(topic, 0));
            return o == null ? 0 : o.offset();
        }
    }
}
