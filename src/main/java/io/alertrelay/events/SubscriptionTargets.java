package io.alertrelay.events;

import io.alertrelay.delivery.ClaimedDelivery;
import io.alertrelay.delivery.DeliveryWork;
import io.alertrelay.signing.StandardWebhookSigner;
import org.apache.camel.Exchange;

/**
 * Lets a subscription target any allowed Camel endpoint (file:, kafka:, amqp: ... per
 * {@code relay.subscriptions.allowed-schemes}) in the delivery route: the same signed body and
 * webhook-* headers (as message headers), the same attempt log, retries and breaker.
 */
public final class SubscriptionTargets {

    public static final String ENDPOINT_TARGET = "endpointTarget";

    private final TargetGuard guard;

    public SubscriptionTargets(TargetGuard guard) {
        this.guard = guard;
    }

    /** True when the claimed delivery's target is not an http(s) URL. */
    public boolean isEndpointTarget(Exchange exchange) {
        ClaimedDelivery d = exchange.getProperty(DeliveryWork.DELIVERY, ClaimedDelivery.class);
        return d != null && !TargetGuard.isHttp(d.webhookUrl());
    }

    /**
     * Checks the target against the allow-list again (configuration may have changed since it was
     * saved; a refusal fails the attempt like a network error) and names file: output after the
     * webhook-id, so a retry overwrites rather than duplicates.
     */
    public void prepareEndpointSend(Exchange exchange) {
        ClaimedDelivery d = exchange.getProperty(DeliveryWork.DELIVERY, ClaimedDelivery.class);
        guard.refusal(d.webhookUrl()).ifPresent(reason -> {
            throw new IllegalStateException("target refused: " + reason);
        });
        var m = exchange.getMessage();
        m.removeHeader(Exchange.HTTP_URI);
        m.removeHeader(Exchange.HTTP_METHOD);
        if ("file".equals(TargetGuard.scheme(d.webhookUrl()).orElse("")) && !d.webhookUrl().contains("fileName=")) {
            m.setHeader(Exchange.FILE_NAME, m.getHeader(StandardWebhookSigner.ID, String.class) + ".json");
        }
        exchange.setProperty(ENDPOINT_TARGET, d.webhookUrl().trim());
    }
}
