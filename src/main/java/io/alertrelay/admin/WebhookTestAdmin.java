package io.alertrelay.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.db.SqlStatements;
import io.alertrelay.http.ApiProblem;
import org.apache.camel.Exchange;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The test message: a signed {@code webhook.test} put in the outbox, sent by the real delivery
 * pipeline (quota, signing, retries), and its first attempt reported back.
 */
public final class WebhookTestAdmin {

    private static final String TEST_INSERT = SqlStatements.load("admin-webhook-test-insert");
    private static final String OUTCOME = SqlStatements.load("admin-delivery-outcome");

    private final DataSource dataSource;
    private final ObjectMapper json;
    private final AgencyWebhooks agencies;
    private final Duration testTimeout;

    WebhookTestAdmin(DataSource dataSource, ObjectMapper json, AgencyWebhooks agencies, Duration testTimeout) {
        this.dataSource = dataSource;
        this.json = json;
        this.agencies = agencies;
        this.testTimeout = testTimeout;
    }

    /** Puts a signed webhook.test message in the outbox; the route hands it to the delivery workers. */
    public void queueTest(Exchange exchange) throws SQLException {
        String name = AdminRequests.agency(exchange);
        AgencyWebhooks.Agency a = agencies.require(name);
        if (!a.active() || a.webhookUrl() == null || a.secretEnc().isEmpty()) {
            throw new ApiProblem(409, "webhook not ready", List.of("agency '" + name + "' webhook is "
                    + (a.webhookUrl() == null || a.secretEnc().isEmpty() ? "not registered" : "inactive (PATCH .../toggle)")));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("agency", name);
        data.put("message", "Test webhook from Alert Relay");
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "webhook.test");
        event.put("timestamp", Instant.now().toString());
        event.put("data", data);
        String correlation = "test-" + UUID.randomUUID();
        UUID id;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(TEST_INSERT)) {
            ps.setString(1, json.writeValueAsString(event));
            ps.setString(2, correlation);
            ps.setString(3, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getObject(1, UUID.class);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        exchange.setProperty("correlationId", correlation);
        exchange.setProperty("recordedDeliveries", List.of(id));
        exchange.setProperty("testDeliveryId", id);
        exchange.setProperty(AdminAudit.AFTER, Map.of("deliveryId", id.toString(), "eventType", "webhook.test"));
    }

    /** Waits (bounded) for the test delivery's first attempt and reports it. */
    public void testOutcome(Exchange exchange) throws SQLException, InterruptedException {
        UUID id = exchange.getProperty("testDeliveryId", UUID.class);
        long deadline = System.nanoTime() + testTimeout.toNanos();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agency", AdminRequests.agency(exchange));
        out.put("deliveryId", id.toString());
        while (true) {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(OUTCOME)) {
                ps.setString(1, id.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String status = rs.getString("status");
                    boolean attempted = rs.getObject("attempt") != null;
                    if (attempted || !"pending".equals(status) || System.nanoTime() > deadline) {
                        out.put("status", status);
                        out.put("delivered", "delivered".equals(status));
                        if (attempted) {
                            Map<String, Object> attempt = new LinkedHashMap<>();
                            attempt.put("outcome", rs.getString("outcome"));
                            attempt.put("httpStatus", rs.getObject("http_status"));
                            attempt.put("durationMs", rs.getObject("duration_ms"));
                            attempt.put("error", rs.getString("error"));
                            out.put("firstAttempt", attempt);
                        } else {
                            out.put("firstAttempt", null);
                            out.put("message", "throttled".equals(status) ? "the agency's quota is used up; the test waits for the next reset"
                                    : "no attempt yet within " + testTimeout.toSeconds() + " s; see .../logs");
                        }
                        exchange.getMessage().setBody(out);
                        return;
                    }
                }
            }
            Thread.sleep(25);
        }
    }
}
