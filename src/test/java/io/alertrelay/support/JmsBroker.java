package io.alertrelay.support;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.broker.BrokerService;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real ActiveMQ Classic broker in the test JVM, persistent (KahaDB in a temporary directory), on a
 * loopback port that stays the same across {@link #stop()} and {@link #startAgain()}, so a relay
 * sees an outage and the broker's return with its messages. One per test class.
 */
public final class JmsBroker implements AutoCloseable {

    /** A message as a consumer reads it: the text body and its string properties. */
    public record Received(String body, Map<String, String> properties, boolean persistent) {
        public String property(String name) {
            return properties.get(name);
        }
    }

    private final Path dataDir;
    private int port;
    private BrokerService broker;

    private JmsBroker(Path dataDir) {
        this.dataDir = dataDir;
    }

    public static JmsBroker start() {
        JmsBroker b = new JmsBroker(TestRelay.tempDir().resolve("activemq-" + UUID.randomUUID().toString().substring(0, 8)));
        b.startAgain();
        return b;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Starts the broker (again) on its data and port: what was persisted before is there. */
    public synchronized void startAgain() {
        if (broker != null) {
            return;
        }
        try {
            BrokerService b = new BrokerService();
            b.setBrokerName("relay-test-" + UUID.randomUUID().toString().substring(0, 8));
            b.setDataDirectoryFile(dataDir.toFile());
            b.setPersistent(true);
            b.setUseJmx(false);
            b.setUseShutdownHook(false);
            b.setSchedulerSupport(false);
            b.getSystemUsage().getStoreUsage().setLimit(1L << 30);
            b.getSystemUsage().getTempUsage().setLimit(1L << 30);
            b.addConnector("tcp://127.0.0.1:" + port);
            b.start();
            b.waitUntilStarted();
            port = b.getTransportConnectors().get(0).getConnectUri().getPort();
            broker = b;
        } catch (Exception e) {
            throw new IllegalStateException("ActiveMQ broker did not start", e);
        }
    }

    /** Stops the broker: clients see connection failures until {@link #startAgain()}. */
    public synchronized void stop() {
        if (broker == null) {
            return;
        }
        try {
            broker.stop();
            broker.waitUntilStopped();
        } catch (Exception e) {
            throw new IllegalStateException("ActiveMQ broker did not stop", e);
        } finally {
            broker = null;
        }
    }

    /** Sends a persistent text message with string properties to {@code queue}. */
    public void send(String queue, String body, Map<String, String> properties) {
        try (Connection c = factory().createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue(queue));
            TextMessage m = s.createTextMessage(body);
            for (Map.Entry<String, String> e : properties.entrySet()) {
                m.setStringProperty(e.getKey(), e.getValue());
            }
            p.send(m);
        } catch (JMSException e) {
            throw new IllegalStateException("cannot send to " + queue, e);
        }
    }

    /**
     * Sends as a JMS partner does: {@code source} is {@code queue:<name>}, {@code headers} are the Standard
     * Webhooks values under their HTTP names, sent as properties with '_' for '-' (webhook_id ...).
     */
    public void publish(String source, String body, Map<String, String> headers) {
        Map<String, String> properties = new LinkedHashMap<>();
        headers.forEach((name, value) -> properties.put(io.alertrelay.transport.JmsTarget.propertyName(name), value));
        send(source.substring(source.indexOf(':') + 1), body, properties);
    }

    /** Takes up to {@code atLeast} messages off {@code queue}, waiting at most {@code timeout} for them. */
    public List<Received> receive(String queue, int atLeast, Duration timeout) {
        List<Received> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection c = factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
            while (out.size() < atLeast) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                Message m = consumer.receive(left);
                if (m != null) {
                    out.add(received(m));
                }
            }
        } catch (JMSException e) {
            throw new IllegalStateException("cannot receive from " + queue, e);
        }
        return out;
    }

    private static Received received(Message m) throws JMSException {
        Map<String, String> props = new LinkedHashMap<>();
        for (Object name : Collections.list(m.getPropertyNames())) {
            Object v = m.getObjectProperty((String) name);
            props.put((String) name, v == null ? null : String.valueOf(v));
        }
        return new Received(m instanceof TextMessage t ? t.getText() : null, props,
                m.getJMSDeliveryMode() == jakarta.jms.DeliveryMode.PERSISTENT);
    }

    private ActiveMQConnectionFactory factory() {
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory(url());
        f.setWatchTopicAdvisories(false);
        return f;
    }

    @Override
    public void close() {
        stop();
    }
}
