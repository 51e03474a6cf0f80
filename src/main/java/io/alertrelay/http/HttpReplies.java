package io.alertrelay.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON replies for the HTTP routes: the body object becomes JSON, the request's headers are
 * not echoed back, and every failure becomes {@code {"error","details"}} without a stack trace.
 */
public final class HttpReplies {

    private static final Logger LOG = LoggerFactory.getLogger(HttpReplies.class);
    public static final String CORRELATION_HEADER = "X-Correlation-Id";

    private final ObjectMapper json;

    public HttpReplies(ObjectMapper json) {
        this.json = json;
    }

    public void ok(Exchange exchange) {
        write(exchange, 200, exchange.getMessage().getBody());
    }

    public void accepted(Exchange exchange) {
        write(exchange, 202, exchange.getMessage().getBody());
    }

    public void created(Exchange exchange) {
        write(exchange, 201, exchange.getMessage().getBody());
    }

    /** Status taken from the exchange property {@code replyStatus} (idempotent repeats keep theirs). */
    public void withStatus(Exchange exchange) {
        write(exchange, exchange.getProperty("replyStatus", 200, Integer.class), exchange.getMessage().getBody());
    }

    /** Maps the exception an onException caught to a JSON error reply. */
    public void error(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ApiProblem problem = toProblem(caught);
        if (problem.status() >= 500) {
            LOG.error("Request {} {} failed", exchange.getMessage().getHeader(Exchange.HTTP_METHOD),
                    exchange.getMessage().getHeader(Exchange.HTTP_URI), caught);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", problem.getMessage());
        body.put("details", problem.details());
        write(exchange, problem.status(), body);
        problem.headers().forEach(exchange.getMessage()::setHeader);
    }

    /** The client-facing problem in a failure's cause chain; anything unexpected is a 500. */
    public static ApiProblem toProblem(Throwable caught) {
        Throwable t = caught;
        while (t != null) {
            if (t instanceof ApiProblem p) {
                return p;
            }
            if (t instanceof JsonProcessingException j) {
                return new ApiProblem(400, "malformed JSON", List.of(j.getOriginalMessage()));
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return new ApiProblem(500, "internal error", List.of("the request could not be completed; it has been logged"));
    }

    public void write(Exchange exchange, int status, Object body) {
        Message message = exchange.getMessage();
        Object correlation = exchange.getProperty("correlationId");
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (correlation != null) {
            message.setHeader(CORRELATION_HEADER, correlation.toString());
        }
        try {
            message.setBody(body == null ? "{}" : json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reply not serialisable", e);
        }
    }
}
