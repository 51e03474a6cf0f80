package io.alertrelay.events;

import io.alertrelay.security.TargetGuard;
import io.alertrelay.delivery.ClaimedDelivery;
import io.alertrelay.delivery.DeliveryWork;
import io.alertrelay.signing.StandardWebhookSigner;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.transport.EndpointTransport;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.util.Map;
import java.util.TreeMap;

/**
 * Lets a subscription target any allowed Camel endpoint (file:, kafka:, amqp: ... per
 * {@code relay.subscriptions.allowed-schemes}) in the delivery route: the same signed body and
 * webhook-* headers (as message headers), the same attempt log, retries and breaker.
 */
public final class SubscriptionTargets {

    public static final String ENDPOINT_TARGET = "endpointTarget";

    private static final String PAYLOAD = "endpointPayload";

    private final TargetGuard guard;
    private final ObjectMapper json;
    private final Map<String, EndpointTransport> transports;

    public SubscriptionTargets(TargetGuard guard, ObjectMapper json, Map<String, EndpointTransport> transports) {
        this.guard = guard;
        this.json = json;
        this.transports = Map.copyOf(transports);
    }

    /**
     * Checks the target against the allow-list again (configuration may have changed since it was
     * saved; a refusal fails the attempt like a network error). file: output is named after the
     * webhook-id, so a retry overwrites rather than duplicates.
     */
    public void prepareEndpointSend(Exchange exchange) {
        ClaimedDelivery d = exchange.getProperty(DeliveryWork.DELIVERY, ClaimedDelivery.class);
        guard.refusal(d.webhookUrl()).ifPresent(reason -> {
            throw new IllegalStateException("target refused: " + reason);
        });
        Message m = exchange.getMessage();
        m.removeHeader(Exchange.HTTP_URI);
        m.removeHeader(Exchange.HTTP_METHOD);
        String target = d.webhookUrl().trim();
        exchange.setProperty(ENDPOINT_TARGET, target);
        if (isFileTarget(exchange)) {
            m.setHeader(Exchange.OVERRULE_FILE_NAME, fileStem(m) + ".json");
        }
        // the transport of the target's scheme adapts the message (a Kafka record's key...)
        TargetGuard.scheme(target).map(transports::get).ifPresent(t -> t.prepare(exchange, target));
    }

    public boolean isFileTarget(Exchange exchange) {
        return "file".equals(TargetGuard.scheme(exchange.getProperty(ENDPOINT_TARGET, String.class)).orElse(""));
    }

    /** file: only: the body becomes the signature headers as JSON, written as {@code <webhook-id>.headers.json}. */
    public void headersSidecar(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        Map<String, String> headers = new TreeMap<>();
        m.getHeaders().forEach((k, v) -> {
            if (!k.startsWith("Camel") && v instanceof String s) {
                headers.put(k, s);
            }
        });
        exchange.setProperty(PAYLOAD, m.getBody(String.class));
        m.setHeader(Exchange.OVERRULE_FILE_NAME, fileStem(m) + ".headers.json");
        m.setBody(json.writeValueAsString(headers));
    }

    /** After the sidecar: the signed payload again, as {@code <webhook-id>.json}. */
    public void restoreBody(Exchange exchange) {
        Message m = exchange.getMessage();
        m.setBody(exchange.getProperty(PAYLOAD, String.class));
        m.setHeader(Exchange.OVERRULE_FILE_NAME, fileStem(m) + ".json");
    }

    private static String fileStem(Message m) {
        return m.getHeader(StandardWebhookSigner.ID, String.class);
    }
}
