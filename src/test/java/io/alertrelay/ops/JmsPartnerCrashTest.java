package io.alertrelay.ops;

import io.alertrelay.support.JmsBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;

/** kill -9 while consuming a JMS partner's queue (transacted session, persistent ActiveMQ broker). */
class JmsPartnerCrashTest extends BrokerPartnerCrash {

    private static JmsBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = JmsBroker.start();
    }

    @AfterAll
    static void stopBroker() {
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
}
