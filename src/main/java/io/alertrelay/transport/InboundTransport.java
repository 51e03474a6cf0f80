package io.alertrelay.transport;

import org.apache.camel.Exchange;

/**
 * How a partner message enters from a broker: one implementation per broker transport (kafka, ...).
 * The relay's steps after it are the same for every transport (routes/partner-webhooks.camel.yaml
 * {@code direct:partner-message}); a transport only says how its consumer is declared, how a message
 * is acknowledged once the relay's own transaction committed, and where a message that can never
 * succeed goes.
 */
public interface InboundTransport {

    /** The partner transport name, as in {@code POST /api/admin/partners {"transport"}}. */
    String transport();

    /** The id of the route template (routes/partner-brokers.camel.yaml) that consumes one partner's source. */
    String consumerTemplate();

    /** Takes what acknowledging needs off the message (a header the relay's steps would clear) into a property. */
    void keepAcknowledgement(Exchange exchange);

    /** Acknowledges the message: called only after the relay's own transaction committed (or a dead letter was sent). */
    void acknowledge(Exchange exchange);

    /** The endpoint a partner source's poison messages go to. */
    String deadLetterUri(String source);
}
