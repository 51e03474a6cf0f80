package io.alertrelay.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestAgencies.Agency;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live feed's looks at the tables, driven by hand: rows that commit after a later row was already
 * seen are still sent, and nothing is sent twice.
 */
class LiveFeedTest {

    private final TestRelay relay = TestRelay.shared();
    private final DataSource db = relay.app().dataSource();
    private final List<String> frames = new CopyOnWriteArrayList<>();
    private final LiveFeed feed = new LiveFeed(db, new ObjectMapper(), Duration.ofSeconds(30), 200, 2);

    @Test
    void attemptThatCommitsAfterALaterOneIsStillSentAndNothingTwice() throws SQLException {
        Agency agency = TestAgencies.create(relay, "http://127.0.0.1:9/never");
        assertThat(feed.subscribe(frames::add)).isTrue();
        feed.poll();
        UUID early = UUID.randomUUID();
        UUID late = UUID.randomUUID();
        try (Connection open = db.getConnection()) {
            open.setAutoCommit(false);
            logAttempt(open, early, agency);          // takes the lower id, commits last
            try (Connection other = db.getConnection()) {
                logAttempt(other, late, agency);
            }
            feed.poll();
            assertThat(sent()).contains(late.toString()).doesNotContain(early.toString());
            open.commit();
        }
        feed.poll();
        feed.poll();
        assertThat(occurrences(early.toString())).isEqualTo(1);
        assertThat(occurrences(late.toString())).isEqualTo(1);
        assertThat(sent()).contains("event: delivery").contains("\"agency\":\"" + agency.name() + "\"");
    }

    @Test
    void flagThatCommitsAfterALaterOneIsStillSentAndNothingTwice() throws SQLException {
        String slow = Catalogue.newCode(relay, "food");
        String fast = Catalogue.newCode(relay, "cosmetics");
        assertThat(feed.subscribe(frames::add)).isTrue();
        feed.poll();
        try (Connection open = db.getConnection()) {
            open.setAutoCommit(false);
            recordFlag(open, slow);                   // its created_at is earlier, it commits last
            try (Connection other = db.getConnection()) {
                recordFlag(other, fast);
            }
            feed.poll();
            assertThat(sent()).contains(fast).doesNotContain(slow);
            open.commit();
        }
        feed.poll();
        feed.poll();
        assertThat(occurrences("\"code\":\"" + slow + "\"")).isEqualTo(1);
        assertThat(occurrences("\"code\":\"" + fast + "\"")).isEqualTo(1);
    }

    @Test
    void streamsBeyondTheConfiguredNumberAreRefusedAndAGoneClientIsDropped() {
        assertThat(feed.subscribe(frame -> true)).isTrue();
        assertThat(feed.subscribe(frame -> false)).isTrue();
        assertThat(feed.subscribe(frames::add)).as("third of at most two").isFalse();
        feed.poll(); // the first look only finds where the attempt log ends
        relay.update("INSERT INTO webhook_logs (delivery_id, agency_id, attempt, outcome) "
                + "SELECT gen_random_uuid(), id, 1, 'delivered' FROM agencies ORDER BY id LIMIT 1");
        feed.poll();
        assertThat(feed.clients()).as("the client that said it is gone").isEqualTo(1);
    }

    @Test
    void withNoStreamOpenTheFeedDoesNotReadTheDatabase() {
        AtomicInteger connections = new AtomicInteger();
        DataSource counting = (DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        connections.incrementAndGet();
                    }
                    return method.invoke(db, args);
                });
        LiveFeed idle = new LiveFeed(counting, new ObjectMapper(), Duration.ofSeconds(30), 200, 2);
        idle.poll();
        idle.poll();
        assertThat(connections.get()).isZero();
        LiveSink client = frames::add;
        assertThat(idle.subscribe(client)).isTrue();
        idle.poll();
        assertThat(connections.get()).isEqualTo(1);
        idle.unsubscribe(client);
        idle.poll();
        assertThat(connections.get()).isEqualTo(1);
    }

    private static void logAttempt(Connection c, UUID delivery, Agency agency) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_logs (delivery_id, agency_id, attempt, outcome, "
                + "http_status, duration_ms) VALUES (?, ?, 1, 'delivered', 200, 5)")) {
            ps.setObject(1, delivery);
            ps.setLong(2, agency.id());
            ps.executeUpdate();
        }
    }

    private static void recordFlag(Connection c, String code) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO flags (id, code_id, reason, severity, correlation_id) "
                + "SELECT gen_random_uuid(), id, 'counterfeit', 'high', 'live-feed-test' FROM product_codes WHERE code = ?")) {
            ps.setString(1, code);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private String sent() {
        return String.join("", frames);
    }

    private int occurrences(String text) {
        String all = sent();
        int n = 0;
        for (int i = all.indexOf(text); i >= 0; i = all.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }
}
