package io.alertrelay.analytics;

import io.alertrelay.db.SqlStatements;

import javax.sql.DataSource;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The month-end report: the month's flags by category, severity, reason and agency, and each agency's
 * delivery success. Stored in PostgreSQL (any instance can serve it) and written as CSV and HTML files
 * under {@code <data dir>/reports/}. A report made before its month ended is preliminary and covers the
 * flags until it was made; the one made after the month ended is final, covers the whole month and
 * replaces it (a preliminary one never replaces a final one).
 */
public final class MonthlyReport {

    static final List<String> CATEGORIES = List.of("drugs", "food", "cosmetics", "other");
    static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low");
    static final List<String> REASONS = List.of("counterfeit", "suspicious", "blacklisted", "expired", "other");
    public static final String CSV_HEADER =
            "section,name,flags,deliveries,delivered,failed,delivery_success_rate,attempts,attempts_ok";

    private static final String FLAGS = SqlStatements.load("report-month-flags");
    private static final String AGENCIES = SqlStatements.load("report-month-agencies");
    private static final String UPSERT = SqlStatements.load("report-upsert");
    private static final String LIST = SqlStatements.load("report-list");
    private static final String FIND = SqlStatements.load("report-find");

    /** One agency's line of the report. */
    record AgencyLine(String name, long flags, long deliveries, long delivered, long failed, long attempts, long attemptsOk) {
        Optional<BigDecimal> successRate() {
            long finished = delivered + failed;
            return finished == 0 ? Optional.empty()
                    : Optional.of(BigDecimal.valueOf(delivered).divide(BigDecimal.valueOf(finished), 4, RoundingMode.HALF_UP));
        }
    }

    /** The figures of one month, of the flags until {@code until} (the month's end when final). */
    record Figures(YearMonth month, boolean isFinal, OffsetDateTime until, long total, Map<String, Long> categories,
                   Map<String, Long> severities, Map<String, Long> reasons, List<AgencyLine> agencies) {
    }

    private final DataSource dataSource;
    private final ZoneId zone;
    private final Path directory;

    public MonthlyReport(DataSource dataSource, ZoneId zone, Path directory) {
        this.dataSource = dataSource;
        this.zone = zone;
        this.directory = directory;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The month that ended last before {@code at}: the one the final report is made for. */
    public YearMonth endedBefore(Instant at) {
        return YearMonth.from(at.atZone(zone)).minusMonths(1);
    }

    /**
     * Computes, stores and writes the report of {@code month} as of {@code at}: final when the month
     * has ended by then, else preliminary with the flags until {@code at}. Returns a summary; a
     * preliminary report is not stored over a final one ({@code "kept": "final"}).
     */
    public Map<String, Object> generate(YearMonth month, Instant at) throws SQLException, IOException {
        OffsetDateTime end = month.plusMonths(1).atDay(1).atStartOfDay(zone).toOffsetDateTime();
        boolean isFinal = !at.isBefore(end.toInstant());
        OffsetDateTime until = isFinal ? end : at.atZone(zone).toOffsetDateTime();
        Figures figures = figures(month, isFinal, until);
        String csv = csv(figures);
        String html = html(figures);
        boolean stored;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(UPSERT)) {
            Rows.bind(ps, month.toString(), csv, html, figures.total(), isFinal, until);
            try (ResultSet rs = ps.executeQuery()) {
                stored = rs.next();
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("month", month.toString());
        summary.put("final", isFinal);
        summary.put("coversUntil", until.toInstant().toString());
        summary.put("totalFlags", figures.total());
        summary.put("agencies", figures.agencies().size());
        if (!stored) {
            // the files are the final report's too: left as they are
            summary.put("kept", "final");
            return summary;
        }
        Files.createDirectories(directory);
        summary.put("csv", write(month + ".csv", csv).toString());
        summary.put("html", write(month + ".html", html).toString());
        return summary;
    }

    /** Reports kept, newest month first. */
    public List<Map<String, Object>> list() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<Map<String, Object>> rows = Rows.query(c, LIST);
            List<Map<String, Object>> out = new ArrayList<>();
            for (Map<String, Object> r : rows) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("month", r.get("month"));
                item.put("totalFlags", r.get("total_flags"));
                item.put("final", r.get("final"));
                item.put("coversUntil", r.get("covers_until"));
                item.put("generatedAt", r.get("generated_at"));
                item.put("csv", "/api/admin/reports/" + r.get("month") + ".csv");
                item.put("html", "/api/admin/reports/" + r.get("month") + ".html");
                out.add(item);
            }
            return out;
        }
    }

    /** The stored report of {@code month} in {@code format} (csv or html). */
    public Optional<String> find(YearMonth month, String format) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setString(1, month.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString("html".equals(format) ? "html" : "csv")) : Optional.empty();
            }
        }
    }

    Figures figures(YearMonth month, boolean isFinal, OffsetDateTime end) throws SQLException {
        OffsetDateTime start = month.atDay(1).atStartOfDay(zone).toOffsetDateTime();
        Map<String, Long> categories = zeroes(CATEGORIES);
        Map<String, Long> severities = zeroes(SEVERITIES);
        Map<String, Long> reasons = zeroes(REASONS);
        long total = 0;
        List<AgencyLine> agencies = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            for (Map<String, Object> r : Rows.query(c, FLAGS, start, end)) {
                long n = Rows.number(r, "flags");
                if (Rows.number(r, "g_category") == 0) {
                    categories.put((String) r.get("category"), n);
                } else if (Rows.number(r, "g_severity") == 0) {
                    severities.put((String) r.get("severity"), n);
                } else if (Rows.number(r, "g_reason") == 0) {
                    reasons.put((String) r.get("reason"), n);
                } else {
                    total = n;
                }
            }
            for (Map<String, Object> r : Rows.query(c, AGENCIES, start, end)) {
                agencies.add(new AgencyLine((String) r.get("name"), Rows.number(r, "flags"), Rows.number(r, "deliveries"),
                        Rows.number(r, "delivered"), Rows.number(r, "failed"), Rows.number(r, "attempts"),
                        Rows.number(r, "attempts_ok")));
            }
        }
        return new Figures(month, isFinal, end, total, categories, severities, reasons, agencies);
    }

    private static Map<String, Long> zeroes(List<String> keys) {
        Map<String, Long> m = new LinkedHashMap<>();
        keys.forEach(k -> m.put(k, 0L));
        return m;
    }

    static String csv(Figures f) {
        StringBuilder out = new StringBuilder(CSV_HEADER).append("\r\n");
        // which one this is: a preliminary file and the final one that replaces it share a name
        out.append("report,").append(f.isFinal() ? "final" : "preliminary until " + f.until().toInstant()).append(",,,,,,,\r\n");
        out.append(csvLine("total", "all", f.total()));
        f.categories().forEach((k, v) -> out.append(csvLine("category", k, v)));
        f.severities().forEach((k, v) -> out.append(csvLine("severity", k, v)));
        f.reasons().forEach((k, v) -> out.append(csvLine("reason", k, v)));
        for (AgencyLine a : f.agencies()) {
            out.append(String.join(",", "agency", csvField(a.name()), String.valueOf(a.flags()), String.valueOf(a.deliveries()),
                    String.valueOf(a.delivered()), String.valueOf(a.failed()),
                    a.successRate().map(BigDecimal::toPlainString).orElse(""), String.valueOf(a.attempts()),
                    String.valueOf(a.attemptsOk()))).append("\r\n");
        }
        return out.toString();
    }

    private static String csvLine(String section, String name, long flags) {
        return section + "," + csvField(name) + "," + flags + ",,,,,,\r\n";
    }

    /** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
    static String csvField(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }

    static String html(Figures f) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n<title>Alert Relay report ")
                .append(f.month()).append("</title>\n<style>body{font-family:sans-serif}table{border-collapse:collapse;margin:1em 0}"
                        + "td,th{border:1px solid #999;padding:2px 8px;text-align:right}th:first-child,td:first-child{text-align:left}</style>\n")
                .append("</head>\n<body>\n<h1>Alert Relay month-end report ").append(f.month()).append("</h1>\n")
                .append("<p id=\"report-status\">").append(f.isFinal() ? "Final report: the whole month."
                        : "Preliminary report: flags until " + escape(f.until().toString())
                        + "; the final report replaces it after the month has ended.").append("</p>\n")
                .append("<p>Flags this month: <strong id=\"total-flags\">").append(f.total()).append("</strong></p>\n");
        table(h, "By category", "category", f.categories());
        table(h, "By severity", "severity", f.severities());
        table(h, "By reason", "reason", f.reasons());
        h.append("<h2>By agency</h2>\n<table id=\"agency\">\n<tr><th>agency</th><th>flags</th><th>deliveries</th><th>delivered</th>"
                + "<th>failed</th><th>delivery success rate</th><th>attempts</th><th>successful attempts</th></tr>\n");
        for (AgencyLine a : f.agencies()) {
            h.append("<tr><td>").append(escape(a.name())).append("</td><td>").append(a.flags()).append("</td><td>")
                    .append(a.deliveries()).append("</td><td>").append(a.delivered()).append("</td><td>").append(a.failed())
                    .append("</td><td>").append(a.successRate().map(r -> r.movePointRight(2).setScale(2, RoundingMode.HALF_UP)
                            .toPlainString() + " %").orElse("-"))
                    .append("</td><td>").append(a.attempts()).append("</td><td>").append(a.attemptsOk()).append("</td></tr>\n");
        }
        h.append("</table>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void table(StringBuilder h, String title, String id, Map<String, Long> counts) {
        h.append("<h2>").append(title).append("</h2>\n<table id=\"").append(id).append("\">\n<tr><th>")
                .append(id).append("</th><th>flags</th></tr>\n");
        counts.forEach((k, v) -> h.append("<tr><td>").append(escape(k)).append("</td><td>").append(v).append("</td></tr>\n"));
        h.append("</table>\n");
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    private Path write(String name, String content) throws IOException {
        Path target = directory.resolve(name);
        Path tmp = directory.resolve(name + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        // readers never see a half-written report
        return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
