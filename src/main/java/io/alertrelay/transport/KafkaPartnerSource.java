package io.alertrelay.transport;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Kafka partners: a topic consumed in the relay's consumer group with manual offset commits. The
 * offset of a record is committed (synchronously) only after the relay's transaction for it committed,
 * so a crash at any moment means the record is read again, never skipped. Poison records go to
 * {@code <topic>.dlq}; the backlog is the group's lag.
 */
public final class KafkaPartnerSource implements InboundTransport, AutoCloseable {

    private static final String COMMIT = "kafkaManualCommit";

    private final String groupId;
    private KafkaLag lag;

    public KafkaPartnerSource(String groupId) {
        this.groupId = groupId;
    }

    @Override
    public String transport() {
        return KafkaTransport.SCHEME;
    }

    @Override
    public Optional<String> sourceRefusal(String source) {
        return KafkaTransport.topicRefusal(source);
    }

    @Override
    public String consumerTemplate() {
        return "kafka-partner-consumer";
    }

    @Override
    public void keepAcknowledgement(Exchange exchange) {
        exchange.setProperty(COMMIT, exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class));
    }

    @Override
    public void acknowledge(Exchange exchange) {
        KafkaManualCommit commit = exchange.getProperty(COMMIT, KafkaManualCommit.class);
        if (commit == null) {
            throw new IllegalStateException("a Kafka partner record without its manual commit (allowManualCommit off?)");
        }
        commit.commit();
    }

    @Override
    public String deadLetterUri(String source) {
        return "kafka:" + source + ".dlq";
    }

    /** The group's lag per topic; the admin client connects on first use (the component exists once Camel runs). */
    @Override
    public synchronized Map<String, Long> backlog(CamelContext camel, Collection<String> sources) throws Exception {
        if (lag == null) {
            lag = KafkaLag.connect(camel, groupId);
        }
        return lag.lag(sources);
    }

    @Override
    public synchronized void close() {
        if (lag != null) {
            lag.close();
            lag = null;
        }
    }
}
