package io.alertrelay.transport;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import org.apache.camel.CamelContext;

import java.util.Collection;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * JMS partners: a queue ({@code queue:<name>}) consumed with a transacted session by every instance
 * (competing consumers). The session commits when the message's exchange completes, which is after
 * the relay's own transaction committed; a crash before that rolls it back and the broker delivers
 * the message again. Poison messages go to {@code <queue>.DLQ} (reason in {@code relay_error}); the
 * backlog is the queue depth, as far as the broker lets a browser see it.
 */
public final class JmsPartnerSource implements InboundTransport {

    /** ActiveMQ browses at most its maxBrowsePageSize (400 by default): a depth at the cap means "at least". */
    private static final int MAX_COUNTED = 10_000;

    private final ConnectionFactory connections;

    public JmsPartnerSource(ConnectionFactory connections) {
        this.connections = connections;
    }

    @Override
    public String transport() {
        return JmsTransport.SCHEME;
    }

    @Override
    public Optional<String> sourceRefusal(String source) {
        return JmsTransport.destinationRefusal(source, true);
    }

    @Override
    public String consumerTemplate() {
        return "jms-partner-consumer";
    }

    @Override
    public String headerName(String standardName) {
        return JmsTarget.propertyName(standardName);
    }

    @Override
    public String deadLetterUri(String source) {
        return "jms:" + source + ".DLQ";
    }

    @Override
    public Map<String, Long> backlog(CamelContext camel, Collection<String> sources) throws Exception {
        Map<String, Long> depth = new HashMap<>();
        try (Connection c = connections.createConnection()) {
            c.start();
            try (Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
                for (String source : sources) {
                    String queue = source.substring(source.indexOf(':') + 1);
                    try (QueueBrowser browser = s.createBrowser(s.createQueue(queue))) {
                        long n = 0;
                        for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements() && n < MAX_COUNTED; e.nextElement()) {
                            n++;
                        }
                        depth.put(source, n);
                    }
                }
            }
        }
        return depth;
    }
}
