package io.alertrelay.partners;

import io.alertrelay.http.ApiProblem;
import io.alertrelay.http.HttpReplies;
import io.alertrelay.transport.InboundTransport;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Partner messages that enter from a broker (routes/partner-brokers.camel.yaml): shaped like a
 * {@code POST /webhooks/{partner}} request for the shared steps, acknowledged only after those steps
 * committed, and sent to the source's dead-letter topic or queue (reason in {@code relay-error}) when
 * they can never succeed; any other failure (PostgreSQL down ...) is retried, the message unacknowledged.
 */
public final class BrokerPartnerMessages {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerPartnerMessages.class);
    public static final String TRANSPORT = "partnerTransport";
    public static final String SOURCE = "partnerSource";
    public static final String DEAD_LETTER_URI = "deadLetterUri";
    public static final String ERROR_HEADER = "relay-error";
    private static final String RAW = "brokerRaw";
    private static final String ORIGINAL_HEADERS = "brokerHeaders";
    private static final List<String> CARRIED = List.of("webhook-id", "webhook-timestamp", "webhook-signature",
            "X-Correlation-Id");

    private final Map<String, InboundTransport> transports;

    public BrokerPartnerMessages(List<InboundTransport> transports) {
        Map<String, InboundTransport> byName = new LinkedHashMap<>();
        transports.forEach(t -> byName.put(t.transport(), t));
        this.transports = Map.copyOf(byName);
    }

    /** The message as the shared steps read it: header {@code partner}, the webhook-* headers as text, the raw body. */
    public void receive(Exchange exchange) {
        InboundTransport transport = transport(exchange);
        transport.keepAcknowledgement(exchange);
        Message m = exchange.getMessage();
        Map<String, String> carried = new LinkedHashMap<>();
        for (String name : CARRIED) {
            String value = m.getHeader(transport.headerName(name), String.class);
            if (value == null) {
                value = m.getHeader(name, String.class);
            }
            if (value != null) {
                carried.put(name, value);
                m.setHeader(name, value);
            }
        }
        exchange.setProperty(ORIGINAL_HEADERS, carried);
        byte[] raw = m.getBody(byte[].class);
        exchange.setProperty(RAW, raw == null ? new byte[0] : raw);
        m.setBody(raw == null ? new byte[0] : raw);
        m.setHeader(PartnerWebhooks.PARTNER, exchange.getProperty(PartnerWebhooks.PARTNER, String.class));
        exchange.setProperty(PartnerWebhooks.TAKE_OVER_UNFINISHED, true);
    }

    /**
     * A failure the message itself causes, so retrying cannot help: bad or missing signature, not
     * JSON, refused by a rule, unknown code ... (the 4xx answers of the HTTP path, but 409 and 429:
     * those pass). Anything else (the database down, a broker timeout) is worth retrying.
     */
    public boolean isPoison(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLException || c instanceof java.io.IOException
                    || c instanceof java.util.concurrent.TimeoutException) {
                return false;
            }
        }
        ApiProblem problem = HttpReplies.toProblem(t);
        int status = problem.status();
        return status >= 400 && status < 500 && status != 409 && status != 429 && status != 408;
    }

    /** The original message again (raw body, its webhook-* headers), with the reason it failed. */
    public void deadLetter(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ApiProblem problem = HttpReplies.toProblem(t);
        String reason = problem.status() + " " + problem.getMessage()
                + (problem.details().isEmpty() ? "" : ": " + String.join("; ", problem.details()));
        InboundTransport transport = transport(exchange);
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        @SuppressWarnings("unchecked")
        Map<String, String> carried = exchange.getProperty(ORIGINAL_HEADERS, Map.class);
        if (carried != null) {
            carried.forEach((name, value) -> m.setHeader(transport.headerName(name), value));
        }
        m.setHeader(transport.headerName(ERROR_HEADER), reason.length() > 1000 ? reason.substring(0, 1000) : reason);
        m.setHeader(transport.headerName("relay-partner"), exchange.getProperty(PartnerWebhooks.PARTNER, String.class));
        m.setBody(exchange.getProperty(RAW, byte[].class));
        exchange.setProperty(DEAD_LETTER_URI, transport.deadLetterUri(exchange.getProperty(SOURCE, String.class)));
        LOG.warn("Partner {} message {} from {} sent to {}: {}", exchange.getProperty(PartnerWebhooks.PARTNER),
                carried == null ? null : carried.get("webhook-id"), exchange.getProperty(SOURCE),
                exchange.getProperty(DEAD_LETTER_URI), reason);
    }

    /** The relay's transaction committed (or the dead letter was sent): the broker may forget the message. */
    public void acknowledge(Exchange exchange) {
        transport(exchange).acknowledge(exchange);
    }

    private InboundTransport transport(Exchange exchange) {
        String name = exchange.getProperty(TRANSPORT, String.class);
        InboundTransport t = transports.get(name);
        if (t == null) {
            throw new IllegalStateException("no broker transport '" + name + "' on this relay");
        }
        return t;
    }
}
