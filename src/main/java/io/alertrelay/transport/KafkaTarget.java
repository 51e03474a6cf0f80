package io.alertrelay.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.signing.StandardWebhookSigner;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;

import java.util.Optional;

/**
 * Deliveries to a Kafka topic ({@code kafka:<topic>}): the record value is the signed JSON body, the
 * Standard Webhooks values and correlation id travel as record headers (camel-kafka sends the
 * message's String headers), and the key is the product code (events: the event id), so one code's
 * alerts keep their order in one partition. A target is exactly {@code kafka:<topic>}: no options,
 * so where and how the relay connects stays the configuration's choice.
 */
public final class KafkaTarget implements EndpointTransport {

    private final KafkaTransport kafka;
    private final ObjectMapper json;

    public KafkaTarget(KafkaTransport kafka, ObjectMapper json) {
        this.kafka = kafka;
        this.json = json;
    }

    @Override
    public String scheme() {
        return KafkaTransport.SCHEME;
    }

    @Override
    public Optional<String> refusal(String target) {
        if (!kafka.enabled()) {
            return Optional.of("Kafka is not configured on this relay (relay.kafka.brokers / RELAY_KAFKA_BROKERS)");
        }
        String rest = target.trim().substring(SCHEME_PREFIX.length());
        if (rest.contains("?") || rest.contains("/") || rest.contains("&") || rest.contains("=")) {
            return Optional.of("a Kafka target is kafka:<topic> only: brokers and client options come from the "
                    + "relay's configuration, not from the target");
        }
        return KafkaTransport.topicRefusal(rest);
    }

    private static final String SCHEME_PREFIX = KafkaTransport.SCHEME + ":";

    @Override
    public void prepare(Exchange exchange, String target) {
        Message m = exchange.getMessage();
        m.setHeader(KafkaConstants.KEY, recordKey(m.getBody(String.class), m.getHeader(StandardWebhookSigner.ID, String.class)));
    }

    /** The product code of a flag's message, else the event id, else the delivery id (webhook-id). */
    String recordKey(String payload, String webhookId) {
        try {
            JsonNode body = json.readTree(payload);
            JsonNode code = body.path("data").path("code");
            if (code.isTextual() && !code.asText().isEmpty()) {
                return code.asText();
            }
            JsonNode eventId = body.path("eventId");
            if (eventId.isTextual() && !eventId.asText().isEmpty()) {
                return eventId.asText();
            }
        } catch (Exception notJson) {
            // the relay signs only its own JSON; keep the delivery's id as the key
        }
        return webhookId;
    }
}
