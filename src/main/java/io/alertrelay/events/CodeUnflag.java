package io.alertrelay.events;

import io.alertrelay.http.JsonBodies;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.db.SqlStatements;
import io.alertrelay.http.ApiProblem;
import org.apache.camel.Exchange;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /api/codes/{code}/unflag}: in one transaction clears the code's flag, cancels code.flagged
 * deliveries not sent yet, and puts one code.unflagged delivery per agency that was told of the flag
 * into the outbox, carrying that agency's own case number.
 */
public final class CodeUnflag {

    private static final String LOCK = SqlStatements.load("unflag-lock-code");
    private static final String CLEAR = SqlStatements.load("unflag-clear-code");
    private static final String TOLD = SqlStatements.load("unflag-told-agencies");
    private static final String CANCEL = SqlStatements.load("unflag-cancel-untold");
    private static final String OUTBOX = SqlStatements.load("unflag-outbox");
    private static final int MAX_REASON = 2000;

    private final DataSource dataSource;
    private final JsonBodies bodies;
    private final ObjectMapper json;

    private record Told(long agencyId, String agency, Optional<String> caseNumber, UUID flagId, int severityRank) {
    }

    public CodeUnflag(DataSource dataSource, JsonBodies bodies) {
        this.dataSource = dataSource;
        this.bodies = bodies;
        this.json = bodies.mapper();
    }

    public void unflag(Exchange exchange) throws Exception {
        String correlationId = JsonBodies.correlationId(exchange);
        ObjectNode body = bodies.object(exchange);
        List<String> problems = new ArrayList<>();
        String reason = JsonBodies.requiredText(body, "reason", MAX_REASON, problems).orElse(null);
        JsonBodies.reject(problems, "invalid unflag request");
        String code = exchange.getMessage().getHeader("code", String.class);
        OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);

        List<Map<String, Object>> sent = new ArrayList<>();
        List<UUID> deliveries = new ArrayList<>();
        int cancelled;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long codeId;
                OffsetDateTime previousUnflag;
                try (PreparedStatement ps = c.prepareStatement(LOCK)) {
                    ps.setString(1, code == null ? "" : code);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw ApiProblem.notFound("unknown product code", "code: '" + code + "' is not in the catalogue");
                        }
                        if (!rs.getBoolean("is_flagged")) {
                            throw new ApiProblem(409, "code is not flagged",
                                    List.of("code: '" + code + "' has no flag to clear"));
                        }
                        codeId = rs.getLong("id");
                        previousUnflag = rs.getObject("unflagged_at", OffsetDateTime.class);
                    }
                }
                List<Told> told = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(TOLD)) {
                    ps.setLong(1, codeId);
                    if (previousUnflag == null) {
                        ps.setNull(2, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                    } else {
                        ps.setObject(2, previousUnflag);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            told.add(new Told(rs.getLong("agency_id"), rs.getString("agency"),
                                    Optional.ofNullable(rs.getString("case_number")),
                                    UUID.fromString(rs.getString("flag_id")), rs.getInt("severity_rank")));
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(CANCEL)) {
                    ps.setLong(1, codeId);
                    cancelled = ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(CLEAR)) {
                    ps.setObject(1, at);
                    ps.setString(2, reason);
                    ps.setLong(3, codeId);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(OUTBOX)) {
                    for (Told t : told) {
                        ps.setString(1, t.flagId().toString());
                        ps.setLong(2, t.agencyId());
                        ps.setString(3, payload(code, reason, at, t, correlationId));
                        ps.setInt(4, t.severityRank());
                        ps.setString(5, correlationId);
                        ps.setString(6, t.caseNumber().orElse(null));
                        ps.setObject(7, at);
                        ps.setObject(8, at);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            UUID id = rs.getObject(1, UUID.class);
                            deliveries.add(id);
                            Map<String, Object> d = new LinkedHashMap<>();
                            d.put("agency", t.agency());
                            d.put("deliveryId", id.toString());
                            d.put("caseNumber", t.caseNumber().orElse(null));
                            sent.add(d);
                        }
                    }
                }
                c.commit();
            } catch (Exception e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        exchange.setProperty(EventRelay.RECORDED, deliveries);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("code", code);
        answer.put("status", "unflagged");
        answer.put("reason", reason);
        answer.put("unflaggedAt", at.toInstant().toString());
        answer.put("agencies", sent.stream().map(d -> d.get("agency")).toList());
        answer.put("deliveries", sent);
        answer.put("cancelledFlagDeliveries", cancelled);
        exchange.getMessage().setBody(answer);
    }

    private String payload(String code, String reason, OffsetDateTime at, Told t, String correlationId) {
        ObjectNode root = json.createObjectNode();
        root.put("type", "code.unflagged");
        root.put("timestamp", at.toInstant().toString());
        ObjectNode data = root.putObject("data");
        data.put("code", code);
        data.put("flagId", t.flagId().toString());
        data.put("reason", reason);
        data.put("unflaggedAt", at.toInstant().toString());
        t.caseNumber().ifPresent(n -> data.put("caseNumber", n));
        data.put("correlationId", correlationId);
        return root.toString();
    }
}
