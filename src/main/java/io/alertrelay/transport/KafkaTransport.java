package io.alertrelay.transport;

import io.alertrelay.config.RelaySettings;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kafka as a relay transport (SPEC §12): on only when {@code relay.kafka.brokers} is set. The brokers
 * and every client option come from the relay's configuration (camel-kafka's own
 * {@code camel.component.kafka.*} properties), never from a target or partner an admin registers.
 */
public final class KafkaTransport {

    public static final String SCHEME = "kafka";
    /** Kafka's legal topic names. */
    public static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    private final Optional<String> brokers;
    private final String groupId;

    private KafkaTransport(Optional<String> brokers, String groupId) {
        this.brokers = brokers;
        this.groupId = groupId;
    }

    /**
     * Reads the Kafka settings and, when brokers are configured, gives camel-kafka the relay's defaults
     * (an option the configuration sets itself wins): a send counts only once every in-sync replica
     * has it, the producer is idempotent, and a send to an unreachable broker fails within the send
     * timeout instead of blocking a delivery worker for Kafka's default minute.
     */
    public static KafkaTransport configure(RelaySettings settings) {
        Optional<String> brokers = settings.find("relay.kafka.brokers");
        String groupId = settings.get("relay.kafka.group-id", "alert-relay");
        if (brokers.isPresent()) {
            int sendTimeout = settings.getInt("relay.kafka.send-timeout-ms", 15000);
            Map<String, String> defaults = new LinkedHashMap<>();
            defaults.put("brokers", brokers.get());
            defaults.put("requestRequiredAcks", "all");
            defaults.put("enableIdempotence", "true");
            defaults.put("maxInFlightRequest", "5");
            defaults.put("deliveryTimeoutMs", String.valueOf(sendTimeout));
            defaults.put("requestTimeoutMs", String.valueOf(Math.max(1000, sendTimeout - 1000)));
            defaults.put("maxBlockMs", String.valueOf(sendTimeout));
            defaults.forEach((option, value) -> {
                String key = "camel.component.kafka." + option;
                if (settings.find(key).isEmpty()) {
                    settings.set(key, value);
                }
            });
        }
        return new KafkaTransport(brokers, groupId);
    }

    public boolean enabled() {
        return brokers.isPresent();
    }

    public Optional<String> brokers() {
        return brokers;
    }

    /** The consumer group every instance's partner consumers join, so they share the partitions. */
    public String groupId() {
        return groupId;
    }

    /** Why {@code topic} cannot be a topic (name rules), or empty. */
    public static Optional<String> topicRefusal(String topic) {
        if (topic == null || !TOPIC.matcher(topic).matches()) {
            return Optional.of("'" + topic + "' is not a Kafka topic name (1-249 letters, digits, '.', '_', '-')");
        }
        return Optional.empty();
    }
}
