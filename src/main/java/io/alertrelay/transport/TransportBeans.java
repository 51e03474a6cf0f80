package io.alertrelay.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.config.RelaySettings;
import org.apache.camel.main.Main;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wiring of the transports: the endpoint transports deliveries may use (by scheme) and the broker
 * transports partners may publish on. Bound before the beans that check targets or register partners.
 */
public final class TransportBeans {

    /** Registry name of the scheme → {@link EndpointTransport} map. */
    public static final String ENDPOINT_TRANSPORTS = "endpointTransports";

    private TransportBeans() {
    }

    public static Map<String, EndpointTransport> bind(Main main, RelaySettings settings, ObjectMapper json) {
        KafkaTransport kafka = KafkaTransport.configure(settings);
        Map<String, EndpointTransport> transports = new LinkedHashMap<>();
        if (kafka.enabled()) {
            transports.put(KafkaTransport.SCHEME, new KafkaTarget(kafka, json));
        }
        main.bind("kafkaTransport", kafka);
        main.bind(ENDPOINT_TRANSPORTS, Map.copyOf(transports));
        return Map.copyOf(transports);
    }
}
