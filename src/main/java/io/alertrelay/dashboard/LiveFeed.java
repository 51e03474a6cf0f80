package io.alertrelay.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.db.SqlStatements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds flags and delivery attempts recorded since the last look and pushes them to every connected
 * dashboard stream. Polled by the {@code dashboard-live-feed} timer route; works the same whichever
 * instance recorded the row, because it reads PostgreSQL rather than in-process events.
 *
 * <p>Rows commit in a different order than their timestamps and ids were taken, so each look reaches a
 * little back (flags: a time window; attempts: ids not yet seen below the highest) and drops what it
 * already sent.
 */
public final class LiveFeed {

    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
    private static final long HEARTBEAT_NANOS = Duration.ofSeconds(15).toNanos();

    private final DataSource dataSource;
    private final ObjectMapper json;
    private final Duration lookBack;
    private final int batch;
    private final int maxClients;
    private final String newFlagsSql = SqlStatements.load("dashboard-new-flags");
    private final String newAttemptsSql = SqlStatements.load("dashboard-new-attempts");
    private final Set<LiveSink> sinks = ConcurrentHashMap.newKeySet();

    // poll state: only the timer thread touches it (poll is synchronized against overlapping runs)
    private Timestamp previousLook;
    private final Map<String, Timestamp> sentFlags = new HashMap<>();
    private long attemptCursor = -1;
    private final Set<Long> sentAttempts = new HashSet<>();
    private final Map<Long, Long> attemptGaps = new HashMap<>();
    private long lastBeat = System.nanoTime();
    private boolean failing;

    public LiveFeed(DataSource dataSource, ObjectMapper json, Duration lookBack, int batch, int maxClients) {
        this.dataSource = dataSource;
        this.json = json;
        this.lookBack = lookBack;
        this.batch = batch;
        this.maxClients = maxClients;
    }

    /** Adds a client unless the configured number is reached. */
    public boolean subscribe(LiveSink sink) {
        synchronized (sinks) {
            if (sinks.size() >= maxClients) {
                return false;
            }
            sinks.add(sink);
            return true;
        }
    }

    public void unsubscribe(LiveSink sink) {
        sinks.remove(sink);
    }

    public int clients() {
        return sinks.size();
    }

    /** One look at the tables; what is new goes to every client as {@code flag} and {@code delivery} events. */
    public synchronized void poll() {
        if (sinks.isEmpty()) {
            // nobody watches: no look at the tables (they are busy under load); the next client starts afresh
            forget();
            return;
        }
        List<String> frames = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            Timestamp now = databaseNow(c);
            newFlags(c, now, frames);
            newAttempts(c, frames);
            previousLook = now;
            if (failing) {
                LOG.info("Dashboard live feed reads the database again");
                failing = false;
            }
        } catch (SQLException e) {
            if (!failing) {
                LOG.warn("Dashboard live feed cannot read the database: {}", e.getMessage());
                failing = true;
            }
            return;
        }
        if (frames.isEmpty() && System.nanoTime() - lastBeat > HEARTBEAT_NANOS) {
            frames.add(": keep-alive\n\n");
        }
        if (!frames.isEmpty()) {
            lastBeat = System.nanoTime();
            String text = String.join("", frames);
            sinks.removeIf(sink -> !sink.offer(text));
        }
    }

    private void forget() {
        previousLook = null;
        sentFlags.clear();
        attemptCursor = -1;
        sentAttempts.clear();
        attemptGaps.clear();
    }

    private static Timestamp databaseNow(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT now()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    private void newFlags(Connection c, Timestamp now, List<String> frames) throws SQLException {
        Timestamp since = new Timestamp((previousLook == null ? now : previousLook).getTime() - lookBack.toMillis());
        sentFlags.values().removeIf(created -> created.before(since));
        try (PreparedStatement ps = c.prepareStatement(newFlagsSql)) {
            ps.setTimestamp(1, since);
            ps.setInt(2, batch);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString("id");
                    Timestamp created = rs.getTimestamp("created_at");
                    if (sentFlags.putIfAbsent(id, created) != null) {
                        continue; // sent by an earlier look
                    }
                    Map<String, Object> flag = new LinkedHashMap<>();
                    flag.put("id", id);
                    flag.put("code", rs.getString("code"));
                    flag.put("product", rs.getString("product_name"));
                    flag.put("manufacturer", rs.getString("manufacturer_name"));
                    flag.put("category", rs.getString("category"));
                    flag.put("reason", rs.getString("reason"));
                    flag.put("severity", rs.getString("severity"));
                    flag.put("createdAt", created.toInstant().toString());
                    frames.add(frame("flag", flag));
                }
            }
        }
    }

    private void newAttempts(Connection c, List<String> frames) throws SQLException {
        if (attemptCursor < 0) {
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(id), 0) FROM webhook_logs");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                attemptCursor = rs.getLong(1);
            }
            return;
        }
        long highest = attemptCursor;
        try (PreparedStatement ps = c.prepareStatement(newAttemptsSql)) {
            ps.setLong(1, attemptCursor);
            ps.setInt(2, batch);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong("id");
                    highest = Math.max(highest, id);
                    if (!sentAttempts.add(id)) {
                        continue;
                    }
                    Map<String, Object> attempt = new LinkedHashMap<>();
                    attempt.put("deliveryId", rs.getString("delivery_id"));
                    attempt.put("agency", rs.getString("agency"));
                    attempt.put("attempt", rs.getInt("attempt"));
                    attempt.put("outcome", rs.getString("outcome"));
                    attempt.put("httpStatus", rs.getObject("http_status"));
                    attempt.put("durationMs", rs.getObject("duration_ms"));
                    attempt.put("error", rs.getString("error"));
                    attempt.put("status", rs.getString("status"));
                    attempt.put("createdAt", rs.getTimestamp("created_at").toInstant().toString());
                    frames.add(frame("delivery", attempt));
                }
            }
        }
        advanceAttemptCursor(highest);
    }

    /**
     * Ids below the highest seen that are still missing may belong to a transaction not yet committed:
     * keep looking from below them for a while (or until they show up), then give them up.
     */
    private void advanceAttemptCursor(long highest) {
        long now = System.nanoTime();
        for (long id = attemptCursor + 1; id < highest; id++) {
            if (!sentAttempts.contains(id)) {
                attemptGaps.putIfAbsent(id, now);
            }
        }
        for (Iterator<Map.Entry<Long, Long>> it = attemptGaps.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Long> gap = it.next();
            if (sentAttempts.contains(gap.getKey()) || now - gap.getValue() > lookBack.toNanos()) {
                it.remove();
            }
        }
        long cursor = attemptGaps.isEmpty() ? highest
                : attemptGaps.keySet().stream().mapToLong(Long::longValue).min().getAsLong() - 1;
        attemptCursor = Math.max(attemptCursor, cursor);
        sentAttempts.removeIf(id -> id <= attemptCursor);
    }

    private String frame(String event, Map<String, Object> data) {
        try {
            return "event: " + event + "\ndata: " + json.writeValueAsString(data) + "\n\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
