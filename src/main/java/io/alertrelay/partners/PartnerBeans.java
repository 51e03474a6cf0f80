package io.alertrelay.partners;

import io.alertrelay.events.EventRelay;
import io.alertrelay.events.EventsBeans;
import io.alertrelay.http.JsonBodies;
import io.alertrelay.signing.SecretCipher;
import io.alertrelay.transport.InboundTransport;
import io.alertrelay.transport.TransportBeans;
import org.apache.camel.main.Main;

import javax.sql.DataSource;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Wiring of the partners: registration, the HTTP partner webhook and the broker partners' consumers,
 * the beans routes/partner-webhooks.camel.yaml and partner-brokers.camel.yaml call. Bound after the
 * events (a partner message becomes a flag or an event) and the transports (a broker partner's source).
 */
public final class PartnerBeans {

    private PartnerBeans() {
    }

    public static void bind(Main main, DataSource dataSource, SecretCipher cipher) {
        JsonBodies bodies = main.lookup(EventsBeans.JSON_BODIES, JsonBodies.class);
        EventRelay events = main.lookup("eventRelay", EventRelay.class);
        List<InboundTransport> inbound = TransportBeans.inbound(main);
        // a broker transport's partners name a topic or queue it can consume
        Partners partners = new Partners(dataSource, cipher, bodies, inbound.stream().collect(Collectors.toMap(
                InboundTransport::transport, t -> (Function<String, Optional<String>>) t::sourceRefusal)));
        main.bind("partners", partners);
        main.bind("partnerWebhooks", new PartnerWebhooks(dataSource, partners, events, bodies));
        // partners on a broker: one consumer route each, kept in step with the partners table
        main.bind("brokerPartnerMessages", new BrokerPartnerMessages(inbound));
        main.bind("brokerPartnerConsumers", new BrokerPartnerConsumers(partners, inbound));
    }
}
