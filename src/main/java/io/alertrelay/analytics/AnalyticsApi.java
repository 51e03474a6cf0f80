package io.alertrelay.analytics;

import io.alertrelay.db.SqlStatements;
import io.alertrelay.http.ApiProblem;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin analytics and reports endpoints (SPEC §6), called from routes/admin-analytics.camel.yaml:
 * validates query parameters (400 JSON on bad ones) and puts the answer in the body.
 */
public final class AnalyticsApi {

    private static final String DISTRIBUTION = SqlStatements.load("analytics-category-distribution");
    private static final String HISTORY = SqlStatements.load("analytics-category-history");
    private static final String AGENCIES = SqlStatements.load("analytics-agencies");
    private static final String AGENCY_DAILY = SqlStatements.load("analytics-agency-daily");
    private static final Pattern REPORT_FILE = Pattern.compile("(\\d{4}-\\d{2})\\.(csv|html)");
    private static final int MAX_DAYS = 366;

    private final DataSource dataSource;
    private final ZoneId zone;
    private final MonthlyReport reports;

    public AnalyticsApi(DataSource dataSource, ZoneId zone, MonthlyReport reports) {
        this.dataSource = dataSource;
        this.zone = zone;
        this.reports = reports;
    }

    /** {drugs, food, cosmetics, other, total}: manufacturers per category, now. */
    public Map<String, Object> categoryDistribution() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return Rows.query(c, DISTRIBUTION).get(0);
        }
    }

    /** The midnight snapshots of the last {@code days} days. */
    public Map<String, Object> categoryHistory(Exchange exchange) throws SQLException {
        int days = days(exchange);
        LocalDate today = LocalDate.now(zone);
        try (Connection c = dataSource.getConnection()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("days", days);
            out.put("snapshots", Rows.query(c, HISTORY, today, days, today));
            return out;
        }
    }

    /**
     * The manufacturers query's parameters (routes/admin-analytics.camel.yaml runs
     * sql/analytics-manufacturers.sql with camel-sql): optional {@code category}, {@code limit} 1..1000
     * (default 100), as headers {@code category} (null when absent) and {@code limit}.
     */
    public void manufacturersQuery(Exchange exchange) {
        Optional<String> category = text(exchange, "category");
        if (category.isPresent() && !MonthlyReport.CATEGORIES.contains(category.get())) {
            throw ApiProblem.badRequest("invalid query parameter", "category must be one of " + MonthlyReport.CATEGORIES);
        }
        int limit = integer(exchange, "limit", 100, 1, 1000);
        exchange.getMessage().setHeader("category", category.orElse(null));
        exchange.getMessage().setHeader("limit", limit);
    }

    /** The manufacturers, most flagged first, as the API answers them. */
    public Map<String, Object> manufacturers(List<Map<String, Object>> rows) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("manufacturers", rows);
        return out;
    }

    /** Every agency over the last {@code days} days: flags by severity and reason, attempt success rate. */
    public Map<String, Object> agencies(Exchange exchange) throws SQLException {
        int days = days(exchange);
        try (Connection c = dataSource.getConnection()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("days", days);
            out.put("agencies", Rows.query(c, AGENCIES, days, days, null, null).stream().map(AnalyticsApi::agencyView).toList());
            return out;
        }
    }

    /** One agency (404 if unknown): its totals over the window and the stored daily analytics. */
    public Map<String, Object> agency(Exchange exchange) throws SQLException {
        int days = days(exchange);
        String name = exchange.getMessage().getHeader("agency", String.class);
        try (Connection c = dataSource.getConnection()) {
            List<Map<String, Object>> rows = Rows.query(c, AGENCIES, days, days, name, name);
            if (rows.isEmpty()) {
                throw ApiProblem.notFound("unknown agency", "no agency named " + name);
            }
            Map<String, Object> out = agencyView(rows.get(0));
            LocalDate today = LocalDate.now(zone);
            out.put("daily", Rows.query(c, AGENCY_DAILY, rows.get(0).get("id"), today, days, today).stream()
                    .map(AnalyticsApi::dailyView).toList());
            out.put("days", days);
            return out;
        }
    }

    public List<Map<String, Object>> listReports() throws SQLException {
        return reports.list();
    }

    /** Writes the report named like {@code 2026-11.csv} or {@code 2026-11.html} as the reply. */
    public void downloadReport(Exchange exchange) throws SQLException {
        String file = exchange.getMessage().getHeader("file", String.class);
        Matcher m = REPORT_FILE.matcher(file == null ? "" : file);
        if (!m.matches()) {
            throw ApiProblem.notFound("unknown report", "reports are named like 2026-11.csv or 2026-11.html");
        }
        YearMonth month;
        try {
            month = YearMonth.parse(m.group(1));
        } catch (DateTimeParseException e) {
            throw ApiProblem.notFound("unknown report", "no report for " + m.group(1));
        }
        String format = m.group(2);
        String content = reports.find(month, format)
                .orElseThrow(() -> ApiProblem.notFound("unknown report", "no report for " + month));
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        out.setHeader(Exchange.CONTENT_TYPE, "csv".equals(format) ? "text/csv; charset=utf-8" : "text/html; charset=utf-8");
        out.setHeader("Content-Disposition", ("csv".equals(format) ? "attachment" : "inline")
                + "; filename=\"alert-relay-report-" + month + "." + format + "\"");
        out.setBody(content);
    }

    private static Map<String, Object> agencyView(Map<String, Object> r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agency", r.get("name"));
        out.put("total", Rows.number(r, "total"));
        out.put("bySeverity", counts(r, "critical", "high", "medium", "low"));
        Map<String, Object> reasons = counts(r, "counterfeit", "suspicious", "blacklisted", "expired");
        reasons.put("other", Rows.number(r, "other_reason"));
        out.put("byReason", reasons);
        long attempts = Rows.number(r, "attempts");
        long delivered = Rows.number(r, "delivered_attempts");
        out.put("attempts", attempts);
        out.put("deliveredAttempts", delivered);
        out.put("successRate", attempts == 0 ? null : Math.round(delivered * 10000.0 / attempts) / 10000.0);
        return out;
    }

    private static Map<String, Object> dailyView(Map<String, Object> r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("day", r.get("day"));
        out.put("total", Rows.number(r, "total"));
        out.put("bySeverity", counts(r, "critical", "high", "medium", "low"));
        Map<String, Object> reasons = counts(r, "counterfeit", "suspicious", "blacklisted", "expired");
        reasons.put("other", Rows.number(r, "other_reason"));
        out.put("byReason", reasons);
        return out;
    }

    private static Map<String, Object> counts(Map<String, Object> r, String... columns) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String col : columns) {
            out.put(col, Rows.number(r, col));
        }
        return out;
    }

    private static int days(Exchange exchange) {
        return integer(exchange, "days", 30, 1, MAX_DAYS);
    }

    static Optional<String> text(Exchange exchange, String name) {
        String v = exchange.getMessage().getHeader(name, String.class);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    static int integer(Exchange exchange, String name, int fallback, int min, int max) {
        Optional<String> v = text(exchange, name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.get());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiProblem.badRequest("invalid query parameter",
                name + " must be a whole number from " + min + " to " + max + " (got '" + v.get() + "')");
    }
}
