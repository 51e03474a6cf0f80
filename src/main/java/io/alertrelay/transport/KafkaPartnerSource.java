package io.alertrelay.transport;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * Kafka partners: a topic consumed in the relay's consumer group with manual offset commits. The
 * offset of a record is committed (synchronously) only after the relay's transaction for it committed,
 * so a crash at any moment means the record is read again, never skipped. Poison records go to
 * {@code <topic>.dlq}.
 */
public final class KafkaPartnerSource implements InboundTransport {

    private static final String COMMIT = "kafkaManualCommit";

    @Override
    public String transport() {
        return KafkaTransport.SCHEME;
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
}
