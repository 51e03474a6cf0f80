package io.alertrelay.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.http.ApiProblem;
import io.alertrelay.http.NulGuard;
import org.apache.camel.Exchange;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Catalogue import: rows of manufacturer → product → batch → code, as a JSON array of objects or CSV
 * with a header line. Each row is validated and stored in its own transaction; the answer reports
 * every rejected row with its reasons, so a file with a few bad rows still loads the good ones.
 */
public final class CatalogueImport {

    static final List<String> FIELDS = List.of("manufacturer", "category", "country", "product", "registrationNumber",
            "batch", "manufacturedOn", "expiresOn", "code");
    private static final Set<String> CATEGORIES = Set.of("drugs", "food", "cosmetics", "other");
    private static final Pattern CODE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
    private static final int MAX_ROWS = 10_000;
    private static final String DEFAULT_BATCH = "DEFAULT";
    private static final String FIND_MANUFACTURER = "SELECT id, category FROM manufacturers WHERE name = ?";
    private static final String INSERT_MANUFACTURER = "INSERT INTO manufacturers (name, category, country) VALUES (?, ?, ?) RETURNING id";
    private static final String UPSERT_PRODUCT = "INSERT INTO products (manufacturer_id, name, registration_number) "
            + "VALUES (?, ?, ?) ON CONFLICT (manufacturer_id, name) DO UPDATE SET registration_number = "
            + "COALESCE(EXCLUDED.registration_number, products.registration_number) RETURNING id, (xmax = 0)";
    private static final String UPSERT_BATCH = "INSERT INTO batches (product_id, batch_number, manufactured_on, expires_on) "
            + "VALUES (?, ?, ?::date, ?::date) ON CONFLICT (product_id, batch_number) DO UPDATE SET "
            + "manufactured_on = COALESCE(EXCLUDED.manufactured_on, batches.manufactured_on), "
            + "expires_on = COALESCE(EXCLUDED.expires_on, batches.expires_on) RETURNING id, (xmax = 0)";
    private static final String INSERT_CODE = "INSERT INTO product_codes (code, batch_id) VALUES (?, ?) ON CONFLICT (code) DO NOTHING RETURNING id";

    private final DataSource dataSource;
    private final ObjectMapper json;

    public CatalogueImport(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    private static final class Counts {
        int manufacturers;
        int products;
        int batches;
        int codes;
    }

    public void importRows(Exchange exchange) throws SQLException {
        String type = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, "", String.class).toLowerCase(Locale.ROOT);
        String body = exchange.getMessage().getBody(String.class);
        if (body == null || body.isBlank()) {
            throw ApiProblem.badRequest("missing body", "a JSON array of rows or CSV with a header line");
        }
        List<Map<String, String>> rows;
        String format;
        if (type.contains("json")) {
            rows = fromJson(body);
            format = "json";
        } else if (type.contains("csv")) {
            rows = fromCsv(body);
            format = "csv";
        } else {
            throw new ApiProblem(415, "unsupported content type", List.of("send application/json or text/csv"));
        }
        NulGuard.rows(rows);
        if (rows.isEmpty()) {
            throw ApiProblem.badRequest("no rows", "the import holds no rows");
        }
        if (rows.size() > MAX_ROWS) {
            throw ApiProblem.badRequest("too many rows", "at most " + MAX_ROWS + " rows per import");
        }
        Counts counts = new Counts();
        List<Map<String, Object>> rejected = new ArrayList<>();
        int accepted = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < rows.size(); i++) {
                Map<String, String> row = rows.get(i);
                List<String> reasons = validate(row);
                if (reasons.isEmpty()) {
                    Counts rowCounts = new Counts();
                    try {
                        store(c, row, reasons, rowCounts);
                    } catch (SQLException e) {
                        reasons.add("database refused the row: " + e.getMessage());
                    }
                    if (reasons.isEmpty()) {
                        c.commit();
                        accepted++;
                        counts.manufacturers += rowCounts.manufacturers;
                        counts.products += rowCounts.products;
                        counts.batches += rowCounts.batches;
                        counts.codes += rowCounts.codes;
                        continue;
                    }
                    c.rollback();
                }
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("row", i + 1);
                r.put("reasons", reasons);
                r.put("values", row);
                rejected.add(r);
            }
        }
        Map<String, Object> created = new LinkedHashMap<>();
        created.put("manufacturers", counts.manufacturers);
        created.put("products", counts.products);
        created.put("batches", counts.batches);
        created.put("codes", counts.codes);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("format", format);
        report.put("rows", rows.size());
        report.put("accepted", accepted);
        report.put("rejected", rejected.size());
        report.put("created", created);
        report.put("rejectedRows", rejected);
        exchange.setProperty(AdminAudit.AFTER, Map.of("rows", rows.size(), "accepted", accepted,
                "rejected", rejected.size(), "created", created));
        exchange.getMessage().setBody(report);
    }

    // ------------------------------------------------------------------ parsing

    private List<Map<String, String>> fromJson(String body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ApiProblem(400, "malformed JSON", List.of(e.getOriginalMessage()));
        }
        if (root != null && root.isObject() && root.has("rows")) {
            root = root.get("rows");
        }
        if (root == null || !root.isArray()) {
            throw ApiProblem.badRequest("invalid body", "expected a JSON array of row objects (or {\"rows\": [...]})");
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (JsonNode n : root) {
            Map<String, String> row = new LinkedHashMap<>();
            if (!n.isObject()) {
                row.put("_error", "not an object");
            } else {
                n.fields().forEachRemaining(e -> row.put(e.getKey(),
                        e.getValue().isNull() ? null : e.getValue().isValueNode() ? e.getValue().asText() : "_nested"));
            }
            rows.add(row);
        }
        return rows;
    }

    static List<Map<String, String>> fromCsv(String body) {
        List<List<String>> records = csvRecords(body);
        if (records.isEmpty()) {
            return List.of();
        }
        List<String> header = records.get(0).stream().map(String::trim).toList();
        List<String> unknown = header.stream().filter(h -> FIELDS.stream().noneMatch(f -> f.equalsIgnoreCase(h))).toList();
        if (!unknown.isEmpty()) {
            throw ApiProblem.badRequest("invalid CSV header", "unknown columns " + unknown + "; known: " + FIELDS);
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (List<String> rec : records.subList(1, records.size())) {
            if (rec.size() == 1 && rec.get(0).isBlank()) {
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                String column = header.get(i);
                String field = FIELDS.stream().filter(f -> f.equalsIgnoreCase(column)).findFirst().orElseThrow();
                row.put(field, i < rec.size() ? rec.get(i) : null);
            }
            if (rec.size() > header.size()) {
                row.put("_error", "more values than header columns");
            }
            rows.add(row);
        }
        return rows;
    }

    /** RFC 4180 records: commas, double-quoted fields with "" escapes, CRLF or LF line ends. */
    private static List<List<String>> csvRecords(String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                record.add(field.toString());
                field.setLength(0);
                out.add(record);
                record = new ArrayList<>();
            } else {
                field.append(ch);
            }
        }
        if (quoted) {
            throw ApiProblem.badRequest("invalid CSV", "a quoted field is not closed");
        }
        if (field.length() > 0 || !record.isEmpty()) {
            record.add(field.toString());
            out.add(record);
        }
        return out;
    }

    // ------------------------------------------------------------------ validation and storage

    private static List<String> validate(Map<String, String> row) {
        List<String> reasons = new ArrayList<>();
        if (row.containsKey("_error")) {
            reasons.add(row.get("_error"));
            return reasons;
        }
        for (String key : row.keySet()) {
            if (!FIELDS.contains(key)) {
                reasons.add(key + ": unknown field");
            } else if ("_nested".equals(row.get(key))) {
                reasons.add(key + ": must be a plain value");
            }
        }
        String manufacturer = value(row, "manufacturer");
        if (manufacturer == null) {
            reasons.add("manufacturer: required");
        } else if (manufacturer.length() > 200) {
            reasons.add("manufacturer: at most 200 characters");
        }
        String category = value(row, "category");
        if (category != null && !CATEGORIES.contains(category)) {
            reasons.add("category: one of drugs, food, cosmetics, other");
        }
        String country = value(row, "country");
        if (country != null && country.length() > 56) {
            reasons.add("country: at most 56 characters");
        }
        String product = value(row, "product");
        if (product != null && product.length() > 200) {
            reasons.add("product: at most 200 characters");
        }
        String batch = value(row, "batch");
        String code = value(row, "code");
        if (product == null && (batch != null || code != null || value(row, "registrationNumber") != null)) {
            reasons.add("product: required when batch, code or registrationNumber is given");
        }
        if (batch != null && batch.length() > 100) {
            reasons.add("batch: at most 100 characters");
        }
        if (code != null && !CODE.matcher(code).matches()) {
            reasons.add("code: letters, digits, '.', '_' or '-', at most 64 characters");
        }
        for (String date : List.of("manufacturedOn", "expiresOn")) {
            String v = value(row, date);
            if (v != null) {
                try {
                    LocalDate.parse(v);
                } catch (DateTimeParseException e) {
                    reasons.add(date + ": a date such as 2027-12-31");
                }
            }
        }
        return reasons;
    }

    private static void store(Connection c, Map<String, String> row, List<String> reasons, Counts counts) throws SQLException {
        String manufacturer = value(row, "manufacturer");
        String category = value(row, "category");
        long manufacturerId;
        try (PreparedStatement ps = c.prepareStatement(FIND_MANUFACTURER)) {
            ps.setString(1, manufacturer);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    manufacturerId = rs.getLong(1);
                    if (category != null && !category.equals(rs.getString(2))) {
                        reasons.add("category: manufacturer '" + manufacturer + "' exists with category " + rs.getString(2));
                        return;
                    }
                } else if (category == null) {
                    reasons.add("category: required for a new manufacturer");
                    return;
                } else {
                    manufacturerId = -1;
                }
            }
        }
        if (manufacturerId < 0) {
            try (PreparedStatement ps = c.prepareStatement(INSERT_MANUFACTURER)) {
                ps.setString(1, manufacturer);
                ps.setString(2, category);
                ps.setString(3, value(row, "country"));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    manufacturerId = rs.getLong(1);
                    counts.manufacturers++;
                }
            }
        }
        String product = value(row, "product");
        if (product == null) {
            return;
        }
        long productId;
        try (PreparedStatement ps = c.prepareStatement(UPSERT_PRODUCT)) {
            ps.setLong(1, manufacturerId);
            ps.setString(2, product);
            ps.setString(3, value(row, "registrationNumber"));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                productId = rs.getLong(1);
                counts.products += rs.getBoolean(2) ? 1 : 0;
            }
        }
        String batch = value(row, "batch");
        String code = value(row, "code");
        if (batch == null && code == null) {
            return;
        }
        long batchId;
        try (PreparedStatement ps = c.prepareStatement(UPSERT_BATCH)) {
            ps.setLong(1, productId);
            ps.setString(2, batch == null ? DEFAULT_BATCH : batch);
            ps.setString(3, value(row, "manufacturedOn"));
            ps.setString(4, value(row, "expiresOn"));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                batchId = rs.getLong(1);
                counts.batches += rs.getBoolean(2) ? 1 : 0;
            }
        }
        if (code == null) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_CODE)) {
            ps.setString(1, code);
            ps.setLong(2, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    counts.codes++;
                } else {
                    reasons.add("code: '" + code + "' already exists");
                }
            }
        }
    }

    private static String value(Map<String, String> row, String key) {
        String v = row.get(key);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
