package io.alertrelay.transport;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Deliveries to a JMS queue or topic ({@code jms:queue:<name>}, {@code jms:topic:<name>}): a persistent
 * text message whose body is the signed JSON; the Standard Webhooks values, the correlation id and
 * custom headers travel as message properties. JMS property names cannot hold '-', so each '-' of a
 * header name becomes '_' ({@code webhook-id} → {@code webhook_id}, {@code X-Correlation-Id} →
 * {@code X_Correlation_Id}); JMS partners send theirs under the same names ({@link JmsPartnerSource}).
 */
public final class JmsTarget implements EndpointTransport {

    private static final String PREFIX = JmsTransport.SCHEME + ":";

    private final JmsTransport jms;

    public JmsTarget(JmsTransport jms) {
        this.jms = jms;
    }

    @Override
    public String scheme() {
        return JmsTransport.SCHEME;
    }

    @Override
    public Optional<String> refusal(String target) {
        if (!jms.enabled()) {
            return Optional.of("JMS is not configured on this relay (relay.jms.broker-url / RELAY_JMS_BROKER_URL)");
        }
        return JmsTransport.destinationRefusal(target.trim().substring(PREFIX.length()), false);
    }

    @Override
    public void prepare(Exchange exchange, String target) {
        Message m = exchange.getMessage();
        // a copy of the names and values first: the headers map reuses its entries as it changes
        Map<String, Object> hyphenated = new LinkedHashMap<>();
        m.getHeaders().forEach((name, value) -> {
            if (name.indexOf('-') >= 0 && !name.startsWith("Camel")) {
                hyphenated.put(name, value);
            }
        });
        hyphenated.forEach((name, value) -> {
            m.removeHeader(name);
            m.setHeader(propertyName(name), value);
        });
    }

    /** The JMS property name of a header: every '-' becomes '_'. */
    public static String propertyName(String header) {
        return header.replace('-', '_');
    }
}
