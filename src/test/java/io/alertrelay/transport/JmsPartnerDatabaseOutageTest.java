package io.alertrelay.transport;

import io.alertrelay.support.JmsBroker;
import org.junit.jupiter.api.AfterAll;

import java.time.Duration;
import java.util.Map;

/** PostgreSQL down under a JMS partner's consumer: the transacted session holds the message, nothing to the DLQ. */
class JmsPartnerDatabaseOutageTest extends BrokerPartnerDatabaseOutage {

    private final JmsBroker broker = JmsBroker.start();

    @Override
    @AfterAll
    void stopRelayAndDatabase() {
        super.stopRelayAndDatabase();
        broker.close();
    }

    @Override
    Map<String, String> brokerSettings() {
        return Map.of("relay.jms.broker-url", broker.url());
    }

    @Override
    Map<String, String> source(String partner) {
        return Map.of("transport", "jms", "source", "queue:partners." + partner);
    }

    @Override
    void publish(String source, String webhookId, String body, Map<String, String> headers) {
        broker.publish(source, body, headers);
    }

    @Override
    int deadLetters(String source) {
        return broker.receive(queue(source) + ".DLQ", 1, Duration.ofSeconds(2)).size();
    }

    /** A queue has no offset to read: the flags themselves show nothing was skipped. */
    @Override
    long acknowledged(String source) {
        return -1;
    }

    private static String queue(String source) {
        return source.substring("queue:".length());
    }
}
