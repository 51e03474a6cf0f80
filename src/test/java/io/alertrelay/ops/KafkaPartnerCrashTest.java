package io.alertrelay.ops;

import io.alertrelay.support.KafkaBroker;

import java.util.Map;

/** kill -9 while consuming a Kafka partner's topic (3 partitions, manual offset commits). */
class KafkaPartnerCrashTest extends BrokerPartnerCrash {

    private final KafkaBroker broker = KafkaBroker.shared();

    @Override
    Map<String, String> brokerSettings() {
        return Map.of("relay.kafka.brokers", broker.bootstrapServers(),
                // the killed consumer's partitions move to the new instance after this, not Kafka's 45 s default
                "camel.component.kafka.sessionTimeoutMs", "8000",
                "camel.component.kafka.heartbeatIntervalMs", "2000");
    }

    @Override
    Map<String, String> source(String partner) {
        String topic = "partners." + partner;
        broker.createTopic(topic, 3);
        return Map.of("transport", "kafka", "source", topic);
    }

    @Override
    void publish(String source, String webhookId, String body, Map<String, String> headers) {
        broker.send(source, webhookId, body, headers);
    }
}
