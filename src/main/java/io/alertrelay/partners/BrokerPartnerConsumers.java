package io.alertrelay.partners;

import io.alertrelay.transport.InboundTransport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps one consumer route per active broker partner on every instance (from the transport's route
 * template in routes/partner-brokers.camel.yaml), in step with the partners table: a partner
 * registered, disabled or removed on any instance is picked up by the next sync. All instances join
 * one consumer group, so the broker shares each source's partitions among them.
 */
public final class BrokerPartnerConsumers {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerPartnerConsumers.class);

    private final Partners partners;
    private final List<InboundTransport> transports;
    /** route id → source, for the routes this instance started. */
    private final Map<String, String> running = new ConcurrentHashMap<>();
    /** route id → partner, for the routes this instance started. */
    private final Map<String, String> partnerOf = new ConcurrentHashMap<>();
    private final Map<String, Long> lagByPartner = new ConcurrentHashMap<>();
    private final Map<String, Gauge> lagGauges = new ConcurrentHashMap<>();

    public BrokerPartnerConsumers(Partners partners, List<InboundTransport> transports) {
        this.partners = partners;
        this.transports = List.copyOf(transports);
    }

    static String routeId(String transport, String partner) {
        return "partner-" + transport + "-" + partner;
    }

    /** Starts consumers for new broker partners, stops those of disabled or removed ones, refreshes the lag. */
    public synchronized void sync(Exchange exchange) throws Exception {
        if (transports.isEmpty()) {
            return;
        }
        CamelContext camel = exchange.getContext();
        Map<String, String> wanted = new HashMap<>();
        Map<String, String> partnerOfRoute = new HashMap<>();
        for (InboundTransport t : transports) {
            for (Partners.BrokerPartner p : partners.onTransport(t.transport())) {
                String id = routeId(t.transport(), p.name());
                wanted.put(id, p.source());
                partnerOfRoute.put(id, p.name());
                String current = running.get(id);
                if (current != null && !current.equals(p.source())) {
                    remove(camel, id);
                }
                if (!running.containsKey(id)) {
                    try {
                        TemplatedRouteBuilder.builder(camel, t.consumerTemplate()).routeId(id)
                                .parameter("partner", p.name()).parameter("source", p.source())
                                .parameter("transport", t.transport()).add();
                        running.put(id, p.source());
                        partnerOf.put(id, p.name());
                        LOG.info("Consuming {} partner {} from {}", t.transport(), p.name(), p.source());
                    } catch (RuntimeException e) {
                        // the partner stays registered; the next sync tries again
                        LOG.warn("Consumer for {} partner {} not started: {}", t.transport(), p.name(), e.toString());
                    }
                }
            }
        }
        for (String id : List.copyOf(running.keySet())) {
            if (!wanted.containsKey(id)) {
                remove(camel, id);
                LOG.info("Stopped consuming for partner route {} (partner disabled or removed)", id);
            }
        }
        refreshLag(camel, partnerOfRoute);
    }

    /**
     * Adds the consumer's state and lag to the partner (GET /api/admin/partners/{name}) or to every
     * broker partner of a list (GET /api/admin/partners): what the dashboard's webhooks view shows.
     */
    public void describe(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof Map<?, ?> map && map.get("partners") instanceof List<?> list) {
            list.forEach(p -> describe(exchange.getContext(), p));
        } else {
            describe(exchange.getContext(), body);
        }
    }

    private void describe(CamelContext camel, Object partner) {
        if (!(partner instanceof Map<?, ?> map) || "http".equals(map.get("transport"))) {
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) map;
        String name = String.valueOf(out.get("name"));
        out.put("consumer", consumerState(camel, routeId(String.valueOf(out.get("transport")), name), name));
    }

    private Map<String, Object> consumerState(CamelContext camel, String routeId, String partner) {
        Map<String, Object> consumer = new LinkedHashMap<>();
        var status = camel.getRouteController().getRouteStatus(routeId);
        consumer.put("route", routeId);
        consumer.put("state", status == null ? "not running on this instance" : status.name());
        consumer.put("lag", lagByPartner.get(partner));
        return consumer;
    }

    /** Partner name → transport, source and consumer state of every broker partner this instance consumes (health). */
    public Map<String, Map<String, Object>> states(CamelContext camel) {
        Map<String, Map<String, Object>> out = new java.util.TreeMap<>();
        running.forEach((id, source) -> {
            String partner = partnerOf.get(id);
            if (partner != null) {
                Map<String, Object> state = consumerState(camel, id, partner);
                state.put("source", source);
                out.put(partner, state);
            }
        });
        return out;
    }

    private void remove(CamelContext camel, String id) throws Exception {
        camel.getRouteController().stopRoute(id);
        camel.removeRoute(id);
        running.remove(id);
        partnerOf.remove(id);
    }

    /** Each transport's backlog (Kafka lag, JMS queue depth) for the partners this instance consumes. */
    private void refreshLag(CamelContext camel, Map<String, String> partnerOfRoute) {
        MeterRegistry registry = camel.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        for (InboundTransport t : transports) {
            Map<String, String> sourceOfPartner = new HashMap<>();
            running.forEach((id, source) -> {
                if (id.startsWith(routeId(t.transport(), "")) && partnerOfRoute.containsKey(id)) {
                    sourceOfPartner.put(partnerOfRoute.get(id), source);
                }
            });
            if (sourceOfPartner.isEmpty()) {
                continue;
            }
            try {
                Map<String, Long> bySource = t.backlog(camel, sourceOfPartner.values());
                sourceOfPartner.forEach((partner, source) -> {
                    Long backlog = bySource.get(source);
                    if (backlog == null) {
                        return;
                    }
                    lagByPartner.put(partner, backlog);
                    if (registry != null) {
                        lagGauges.computeIfAbsent(partner, p -> Gauge.builder("relay.partner.consumer.lag",
                                        lagByPartner, m -> m.getOrDefault(p, 0L))
                                .tag("partner", p).tag("transport", t.transport()).tag("source", source)
                                .description("Messages a broker partner published that the relay has not yet "
                                        + "acknowledged (Kafka: the group's lag; JMS: the queue depth)")
                                .register(registry));
                    }
                });
            } catch (Exception e) {
                LOG.debug("{} backlog not refreshed: {}", t.transport(), e.toString());
            }
        }
    }
}
