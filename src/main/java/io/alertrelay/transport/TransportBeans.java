package io.alertrelay.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.config.RelaySettings;
import org.apache.camel.main.Main;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wiring of the transports: the endpoint transports deliveries may use (by scheme) and the inbound
 * transports broker partners may publish on, one of each per configured broker (Kafka, JMS). Bound
 * before the beans that check targets or register partners; nothing of a broker exists unless it is
 * configured.
 */
public final class TransportBeans {

    /** Registry name of the scheme → {@link EndpointTransport} map. */
    public static final String ENDPOINT_TRANSPORTS = "endpointTransports";
    /** Registry name of the list of {@link InboundTransport}s. */
    public static final String INBOUND_TRANSPORTS = "inboundTransports";
    /** Registry name of what must be closed after Camel stopped (admin clients, connection pools). */
    public static final String CLOSE_AFTER_CAMEL = "transportResources";

    private TransportBeans() {
    }

    public static Map<String, EndpointTransport> bind(Main main, RelaySettings settings, ObjectMapper json) {
        Map<String, EndpointTransport> targets = new LinkedHashMap<>();
        List<InboundTransport> inbound = new ArrayList<>();
        List<AutoCloseable> resources = new ArrayList<>();

        KafkaTransport kafka = KafkaTransport.configure(settings);
        if (kafka.enabled()) {
            targets.put(KafkaTransport.SCHEME, new KafkaTarget(kafka, json));
            KafkaPartnerSource source = new KafkaPartnerSource(kafka.groupId());
            inbound.add(source);
            resources.add(source);
        }
        JmsTransport jms = JmsTransport.configure(settings);
        jms.connections().ifPresent(pool -> {
            main.bind(JmsTransport.CONNECTION_FACTORY, pool);
            targets.put(JmsTransport.SCHEME, new JmsTarget(jms));
            inbound.add(new JmsPartnerSource(pool));
            resources.add(jms);
        });
        main.bind(ENDPOINT_TRANSPORTS, Map.copyOf(targets));
        main.bind(INBOUND_TRANSPORTS, List.copyOf(inbound));
        main.bind(CLOSE_AFTER_CAMEL, List.copyOf(resources));
        return Map.copyOf(targets);
    }

    /** The inbound transports bound by {@link #bind}. */
    @SuppressWarnings("unchecked")
    public static List<InboundTransport> inbound(Main main) {
        List<InboundTransport> found = main.lookup(INBOUND_TRANSPORTS, List.class);
        return found == null ? List.of() : found;
    }

    /** Closes the transports' own clients; call after Camel stopped. */
    @SuppressWarnings("unchecked")
    public static void close(Main main) {
        List<AutoCloseable> resources = main.lookup(CLOSE_AFTER_CAMEL, List.class);
        if (resources != null) {
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception e) {
                    org.slf4j.LoggerFactory.getLogger(TransportBeans.class).debug("transport client not closed: {}", e.toString());
                }
            }
        }
    }
}
