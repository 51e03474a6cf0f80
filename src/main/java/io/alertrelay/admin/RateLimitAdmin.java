package io.alertrelay.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.db.SqlStatements;
import io.alertrelay.http.ApiProblem;
import io.alertrelay.http.JsonBodies;
import org.apache.camel.Exchange;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Admin view and edit of the agencies' hourly and daily alert quotas (agency_rate_limits). */
public final class RateLimitAdmin {

    private static final String SELECT = SqlStatements.load("admin-rate-limits");
    private static final String UPSERT = SqlStatements.load("admin-rate-limit-upsert");
    static final int MAX_LIMIT = 10_000_000;

    private final DataSource dataSource;
    private final ObjectMapper json;
    private final JsonBodies bodies;

    public RateLimitAdmin(DataSource dataSource, JsonBodies bodies) {
        this.dataSource = dataSource;
        this.bodies = bodies;
        this.json = bodies.mapper();
    }

    public void list(Exchange exchange) throws SQLException {
        exchange.getMessage().setBody(query(Optional.empty()));
    }

    public void show(Exchange exchange) throws SQLException {
        exchange.getMessage().setBody(one(AdminRequests.agency(exchange)));
    }

    public void update(Exchange exchange) throws SQLException, JsonProcessingException {
        String agency = AdminRequests.agency(exchange);
        JsonNode body = bodies.adminObject(exchange, false);
        List<String> problems = new ArrayList<>();
        int perHour = limitField(body, "alertsPerHour", problems);
        int perDay = limitField(body, "alertsPerDay", problems);
        if (problems.isEmpty() && perHour > perDay) {
            problems.add("alertsPerHour: must not exceed alertsPerDay");
        }
        if (!problems.isEmpty()) {
            throw new ApiProblem(400, "invalid rate limits", problems);
        }
        Map<String, Object> before = one(agency);
        exchange.setProperty(AdminAudit.BEFORE, before);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(UPSERT)) {
            ps.setInt(1, perHour);
            ps.setInt(2, perDay);
            ps.setString(3, agency);
            ps.executeUpdate();
        }
        Map<String, Object> after = one(agency);
        exchange.setProperty(AdminAudit.AFTER, after);
        exchange.getMessage().setBody(after);
    }

    private static int limitField(JsonNode body, String field, List<String> problems) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            problems.add(field + ": required");
            return 0;
        }
        if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > MAX_LIMIT) {
            problems.add(field + ": an integer from 0 to " + MAX_LIMIT);
            return 0;
        }
        return v.asInt();
    }

    private Map<String, Object> one(String agency) throws SQLException {
        List<Map<String, Object>> rows = query(Optional.of(agency));
        if (rows.isEmpty()) {
            throw ApiProblem.notFound("unknown agency", "agency: '" + agency + "' does not exist");
        }
        return rows.get(0);
    }

    private List<Map<String, Object>> query(Optional<String> agency) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT)) {
            ps.setString(1, agency.orElse(null));
            ps.setString(2, agency.orElse(null));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("agency", rs.getString("agency"));
                    row.put("alertsPerHour", rs.getInt("alerts_per_hour"));
                    row.put("alertsPerDay", rs.getInt("alerts_per_day"));
                    row.put("hourCount", rs.getInt("hour_count"));
                    row.put("dayCount", rs.getInt("day_count"));
                    row.put("throttledUntil", AdminRequests.iso(rs.getObject("throttled_until", OffsetDateTime.class)));
                    out.add(row);
                }
            }
        }
        return out;
    }
}
