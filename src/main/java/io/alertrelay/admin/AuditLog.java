package io.alertrelay.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.db.SqlStatements;
import io.alertrelay.security.HttpGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;

/** The audit_log table: one row per admin change attempt, written by the HTTP layer, read by admins. */
public final class AuditLog implements HttpGuard.Refusals, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final String INSERT = SqlStatements.load("audit-insert");
    private static final String RECENT = SqlStatements.load("audit-recent");

    /** One change: who did what to which resource, with what result. */
    public record Entry(String actor, String action, String method, String resource, int status, Object before,
                        Object after, String detail) {
        public String outcome() {
            return status >= 200 && status < 400 ? "success" : "failure";
        }
    }

    private final DataSource dataSource;
    private final ObjectMapper json;
    // refusals are noticed on the HTTP event loop, which must not wait for the database
    // (bounded: a flood of refused requests must not grow memory; beyond it refusals are only logged)
    private final ExecutorService writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(10_000), r -> {
                Thread t = new Thread(r, "audit-writer");
                t.setDaemon(true);
                return t;
            });

    public AuditLog(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    public void record(Entry e) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, e.actor());
            ps.setString(2, e.action());
            ps.setString(3, e.method());
            ps.setString(4, e.resource());
            ps.setString(5, e.outcome());
            ps.setInt(6, e.status());
            setJson(ps, 7, e.before());
            setJson(ps, 8, e.after());
            ps.setString(9, e.detail());
            ps.executeUpdate();
        } catch (SQLException | RuntimeException ex) {
            LOG.error("Could not write the audit row for {} {} by {}: {}", e.method(), e.resource(), e.actor(),
                    ex.getMessage());
        }
    }

    @Override
    public void refused(String actor, String method, String path, int status, String reason) {
        try {
            writer.execute(() -> record(new Entry(actor, method + " " + path, method, path, status, null, null, reason)));
        } catch (RejectedExecutionException stopped) {
            LOG.warn("Audit writer busy or stopped: refused {} {} by {} ({}) not recorded", method, path, actor, status);
        }
    }

    /** GET /api/admin/audit?limit=100[&events=false]: the newest rows first, operational events included. */
    public void list(org.apache.camel.Exchange exchange) throws SQLException {
        String events = AdminRequests.text(exchange, "events").orElse("true");
        if (!events.equals("true") && !events.equals("false")) {
            throw io.alertrelay.http.ApiProblem.badRequest("invalid query parameter", "events: true or false");
        }
        List<Map<String, Object>> rows = recent(AdminRequests.limit(exchange, 100, 1000), Boolean.parseBoolean(events));
        exchange.getMessage().setBody(Map.of("count", rows.size(), "entries", rows));
    }

    public List<Map<String, Object>> recent(int limit, boolean includeEvents) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RECENT)) {
            ps.setBoolean(1, includeEvents);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("kind", rs.getString("kind"));
                    row.put("id", rs.getLong("id"));
                    row.put("actor", rs.getString("actor"));
                    row.put("action", rs.getString("action"));
                    row.put("method", rs.getString("method"));
                    row.put("resource", rs.getString("resource"));
                    row.put("outcome", rs.getString("outcome"));
                    row.put("status", rs.getObject("http_status"));
                    row.put("before", readJson(rs.getString("before")));
                    row.put("after", readJson(rs.getString("after")));
                    row.put("detail", rs.getString("detail"));
                    row.put("at", rs.getObject("created_at", OffsetDateTime.class).toInstant().toString());
                    out.add(row);
                }
            }
        }
        return out;
    }

    private void setJson(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
            return;
        }
        try {
            ps.setString(index, value instanceof String s && looksLikeJson(s) ? s : json.writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            ps.setString(index, "\"" + value.toString().replace("\"", "'") + "\"");
        }
    }

    private static boolean looksLikeJson(String s) {
        String t = s.trim();
        return t.startsWith("{") || t.startsWith("[");
    }

    private Object readJson(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (Exception e) {
            return text;
        }
    }

    @Override
    public void close() {
        writer.shutdown();
    }
}
