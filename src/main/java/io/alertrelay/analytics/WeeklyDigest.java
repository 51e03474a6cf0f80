package io.alertrelay.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.db.SqlStatements;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The weekly digest: per agency, the flags of the period it was told of and has not had in a digest,
 * in chunks, each chunk one {@code digest.weekly} outbox row (so it is signed, paced, counted against
 * the quota and retried like any alert). Rows and the digested marks commit together per agency.
 */
public final class WeeklyDigest {

    public static final String EVENT_TYPE = "digest.weekly";
    private static final String PENDING_AGENCIES = SqlStatements.load("digest-pending-agencies");
    private static final String LOCK_AGENCY = SqlStatements.load("digest-lock-agency");
    private static final String AGENCY_FLAGS = SqlStatements.load("digest-agency-flags");
    private static final String INSERT_DELIVERY = SqlStatements.load("digest-insert-delivery");
    private static final String MARK_FLAG = SqlStatements.load("digest-mark-flag");

    /** What a run produced: the outbox rows to hand to the workers and a summary. */
    public record Outcome(List<UUID> deliveries, Map<String, Object> summary) {
    }

    private final DataSource dataSource;
    private final ObjectMapper json;
    private final int chunkSize;

    public WeeklyDigest(DataSource dataSource, ObjectMapper json, int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("relay.digest.chunk-size must be at least 1");
        }
        this.dataSource = dataSource;
        this.json = json;
        this.chunkSize = chunkSize;
    }

    public Outcome run(Instant since, Instant until) throws SQLException {
        OffsetDateTime from = since.atOffset(ZoneOffset.UTC);
        OffsetDateTime to = until.atOffset(ZoneOffset.UTC);
        List<Long> agencies = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(PENDING_AGENCIES)) {
            Rows.bind(ps, from, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    agencies.add(rs.getLong(1));
                }
            }
        }
        List<UUID> deliveries = new ArrayList<>();
        Map<String, Object> perAgency = new LinkedHashMap<>();
        for (long agencyId : agencies) {
            digestAgency(agencyId, from, to, deliveries, perAgency);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("since", since.toString());
        summary.put("until", until.toString());
        summary.put("chunkSize", chunkSize);
        summary.put("messages", deliveries.size());
        summary.put("agencies", perAgency);
        return new Outcome(deliveries, summary);
    }

    private void digestAgency(long agencyId, OffsetDateTime from, OffsetDateTime to, List<UUID> deliveries,
                              Map<String, Object> perAgency) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                String agency;
                try (PreparedStatement ps = c.prepareStatement(LOCK_AGENCY)) {
                    ps.setLong(1, agencyId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            c.rollback();
                            return;
                        }
                        agency = rs.getString(1);
                    }
                }
                List<Map<String, Object>> flags;
                try (PreparedStatement ps = c.prepareStatement(AGENCY_FLAGS)) {
                    Rows.bind(ps, agencyId, from, to);
                    try (ResultSet rs = ps.executeQuery()) {
                        flags = Rows.read(rs);
                    }
                }
                int chunks = (flags.size() + chunkSize - 1) / chunkSize;
                String correlation = "digest-" + agency + "-" + to.toLocalDate();
                List<UUID> created = new ArrayList<>();
                try (PreparedStatement insert = c.prepareStatement(INSERT_DELIVERY);
                     PreparedStatement mark = c.prepareStatement(MARK_FLAG)) {
                    for (int i = 0; i < chunks; i++) {
                        List<Map<String, Object>> chunk = flags.subList(i * chunkSize, Math.min(flags.size(), (i + 1) * chunkSize));
                        UUID id = UUID.randomUUID();
                        Rows.bind(insert, id, agencyId, payload(agency, from, to, i + 1, chunks, flags.size(), chunk), correlation);
                        insert.executeUpdate();
                        for (Map<String, Object> flag : chunk) {
                            Rows.bind(mark, flag.get("id"), agencyId, id);
                            mark.addBatch();
                        }
                        mark.executeBatch();
                        created.add(id);
                    }
                }
                c.commit();
                deliveries.addAll(created);
                perAgency.put(agency, Map.of("flags", flags.size(), "messages", chunks));
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private String payload(String agency, OffsetDateTime from, OffsetDateTime to, int chunk, int chunks, int total,
                           List<Map<String, Object>> flags) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (Map<String, Object> f : flags) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("flagId", String.valueOf(f.get("id")));
            item.put("code", f.get("code"));
            item.put("product", f.get("product"));
            item.put("manufacturer", f.get("manufacturer"));
            item.put("category", f.get("category"));
            item.put("severity", f.get("severity"));
            item.put("reason", f.get("reason"));
            item.put("flaggedAt", f.get("created_at"));
            if (f.get("case_number") != null) {
                item.put("caseNumber", f.get("case_number"));
            }
            items.add(item);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("agency", agency);
        data.put("periodStart", from.toInstant().toString());
        data.put("periodEnd", to.toInstant().toString());
        data.put("chunk", chunk);
        data.put("chunks", chunks);
        data.put("totalFlags", total);
        data.put("flags", items);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", EVENT_TYPE);
        body.put("timestamp", Instant.now().toString());
        body.put("data", data);
        try {
            return json.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("digest payload not serialisable", e);
        }
    }
}
