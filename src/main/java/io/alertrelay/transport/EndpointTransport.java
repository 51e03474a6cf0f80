package io.alertrelay.transport;

import org.apache.camel.Exchange;

import java.util.Optional;

/**
 * How the relay sends a signed delivery to a target that is not an http(s) URL: one implementation
 * per endpoint scheme (file:, kafka:, ...), chosen by the target's scheme. The delivery stage has
 * already set the body (the signed JSON) and the Standard Webhooks headers; a transport only adapts
 * them to its endpoint (file names, record key) and says which target shapes it refuses.
 */
public interface EndpointTransport {

    /** The endpoint scheme this transport sends through, e.g. {@code kafka}. */
    String scheme();

    /** Why the relay must not send to {@code target} (shape, options), or empty when it may. */
    Optional<String> refusal(String target);

    /** Adapts the prepared message for this transport's endpoint just before it is sent. */
    void prepare(Exchange exchange, String target);
}
