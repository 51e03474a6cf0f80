package io.alertrelay.transport;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * How a partner message enters from a broker: one implementation per broker transport (kafka, jms).
 * The relay's steps after it are the same for every transport (routes/partner-webhooks.camel.yaml
 * {@code direct:partner-message}); a transport only says which sources it can consume, how its
 * consumer is declared, what its message headers are called, how a message is acknowledged once the
 * relay's own transaction committed, where a message that can never succeed goes, and how much is
 * waiting.
 */
public interface InboundTransport {

    /** The partner transport name, as in {@code POST /api/admin/partners {"transport"}}. */
    String transport();

    /** Why a partner cannot consume from {@code source} (shape, name rules), or empty when it can. */
    Optional<String> sourceRefusal(String source);

    /** The id of the route template (routes/partner-brokers.camel.yaml) that consumes one partner's source. */
    String consumerTemplate();

    /**
     * The name a message header has on this transport: Kafka keeps {@code webhook-id}; JMS property
     * names cannot hold '-', so there it is {@code webhook_id}.
     */
    default String headerName(String standardName) {
        return standardName;
    }

    /** Takes what acknowledging needs off the message (a header the relay's steps would clear) into a property. */
    default void keepAcknowledgement(Exchange exchange) {
    }

    /**
     * Acknowledges the message: called only after the relay's own transaction committed (or a dead
     * letter was sent). A transport whose consumer acknowledges when the exchange completes does nothing.
     */
    default void acknowledge(Exchange exchange) {
    }

    /** The endpoint a partner source's poison messages go to. */
    String deadLetterUri(String source);

    /** Messages waiting on each source (Kafka: the group's lag; JMS: queue depth), for the sources it can tell. */
    default Map<String, Long> backlog(CamelContext camel, Collection<String> sources) throws Exception {
        return Map.of();
    }
}
