package io.alertrelay.transport;

import io.alertrelay.config.RelaySettings;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JMS (ActiveMQ's OpenWire client) as a relay transport (SPEC §12): on only when
 * {@code relay.jms.broker-url} is set. The broker, its credentials and every client option come from
 * the relay's configuration ({@code relay.jms.*} and camel-jms's own {@code camel.component.jms.*}),
 * never from a target or partner an admin registers. Connections are pooled (pooled-jms), for
 * producers and consumers alike.
 */
public final class JmsTransport implements AutoCloseable {

    public static final String SCHEME = "jms";
    /** Registry name of the pooled connection factory camel-jms uses. */
    public static final String CONNECTION_FACTORY = "relayJmsConnectionFactory";
    /** {@code queue:<name>} or {@code topic:<name>}: a destination, no options. */
    private static final Pattern DESTINATION = Pattern.compile("(queue|topic):([A-Za-z0-9._-]{1,200})");

    private final Optional<JmsPoolConnectionFactory> connections;

    private JmsTransport(Optional<JmsPoolConnectionFactory> connections) {
        this.connections = connections;
    }

    /**
     * Reads the JMS settings and, when a broker URL is configured, makes the pooled connection factory
     * and gives camel-jms the relay's defaults (an option the configuration sets itself wins):
     * persistent sends (ActiveMQ then answers each send only once the broker has stored the message),
     * text messages, and sends that fail within the send timeout when the broker does not answer.
     */
    public static JmsTransport configure(RelaySettings settings) {
        Optional<String> url = settings.find("relay.jms.broker-url");
        if (url.isEmpty()) {
            return new JmsTransport(Optional.empty());
        }
        int sendTimeout = settings.getInt("relay.jms.send-timeout-ms", 15000);
        ActiveMQConnectionFactory broker = new ActiveMQConnectionFactory(url.get());
        settings.find("relay.jms.username").ifPresent(broker::setUserName);
        settings.find("relay.jms.password").ifPresent(broker::setPassword);
        broker.setSendTimeout(sendTimeout);
        broker.setConnectResponseTimeout(sendTimeout);
        broker.setWatchTopicAdvisories(false);
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(broker);
        pool.setMaxConnections(settings.getInt("relay.jms.max-connections", 2));
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("connectionFactory", "#" + CONNECTION_FACTORY);
        defaults.put("deliveryPersistent", "true");
        defaults.put("jmsMessageType", "Text");
        defaults.put("requestTimeout", String.valueOf(sendTimeout));
        defaults.forEach((option, value) -> {
            String key = "camel.component.jms." + option;
            if (settings.find(key).isEmpty()) {
                settings.set(key, value);
            }
        });
        return new JmsTransport(Optional.of(pool));
    }

    public boolean enabled() {
        return connections.isPresent();
    }

    public Optional<JmsPoolConnectionFactory> connections() {
        return connections;
    }

    /** Why {@code destination} ({@code queue:<name>} / {@code topic:<name>}) cannot be used, or empty. */
    public static Optional<String> destinationRefusal(String destination, boolean queueOnly) {
        Matcher m = DESTINATION.matcher(destination == null ? "" : destination);
        if (!m.matches()) {
            return Optional.of("'" + destination + "' is not " + (queueOnly ? "queue:<name>" : "queue:<name> or topic:<name>")
                    + " (a name of 1-200 letters, digits, '.', '_', '-'; no options: the broker and client "
                    + "options come from the relay's configuration)");
        }
        if (queueOnly && !"queue".equals(m.group(1))) {
            return Optional.of("a JMS partner publishes to a queue (queue:<name>), which the relay's instances consume as competing consumers");
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        connections.ifPresent(JmsPoolConnectionFactory::stop);
    }
}
