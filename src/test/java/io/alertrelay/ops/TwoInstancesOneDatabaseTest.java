package io.alertrelay.ops;

import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.TestDatabase;
import io.alertrelay.db.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scale-out story, proven with two real JVMs of the service on one PostgreSQL: under load every
 * accepted flag reaches the agency, the quota holds exactly across both instances, and when one is
 * killed with kill -9 its leased work is taken over by the other after the lease.
 */
class TwoInstancesOneDatabaseTest {

    private static final Pattern FLAG_ID = Pattern.compile("\"flagId\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private static final String TOKEN = AdminToken.mint(RelayProcess.JWT_SECRET);
    private static final Map<String, String> FAST = Map.of(
            // a short lease so the killed instance's work is taken over quickly; the poller claims small batches
            // so that nothing it claimed waits in the in-memory queue past its lease (that would be re-sent:
            // on a starved 2-core machine a 4-10 s lease was seen to expire in the queue)
            "relay.delivery.lease-seconds", "20",
            "relay.delivery.poll-batch", "16",
            "relay.delivery.poll-interval-ms", "500",
            "relay.delivery.handoff-grace-ms", "3000",
            "relay.delivery.pace.requests-per-period", "100000",
            "relay.delivery.redelivery.delay-ms", "50",
            "relay.delivery.retry-schedule", "PT0.5S,PT1S",
            "relay.db.pool-size", "12",
            "relay.delivery.workers", "16",
            // the load comes from one client; the per-client request limit is tested elsewhere
            "relay.http.client-rate-limit.per-minute", "100000000");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Test
    void twoJvmsDeliverEveryAcceptedFlagOnceKeepTheQuotaExactAndTakeOverAKilledInstancesLeasedWork() throws Exception {
        String db = TestDatabase.newDatabase();
        try (AgencyReceiver agencies = new AgencyReceiver()) {
            String receiverBase = agencies.url("");
            try (RelayProcess a = RelayProcess.start(db, receiverBase, FAST).awaitReady(Duration.ofSeconds(60));
                 RelayProcess b = RelayProcess.start(db, receiverBase, FAST).awaitReady(Duration.ofSeconds(60))) {
                sql(db, "UPDATE agency_rate_limits SET alerts_per_hour = 150, alerts_per_day = 100000, hour_count = 0, "
                        + "day_count = 0 WHERE agency_id = (SELECT id FROM agencies WHERE name = 'NAFDAC')");
                sql(db, "UPDATE agency_rate_limits SET alerts_per_hour = 1000000, alerts_per_day = 1000000 "
                        + "WHERE agency_id = (SELECT id FROM agencies WHERE name = 'FIRS')");

                // phase 1, both alive: 400 drug flags (NAFDAC) at both instances against an hourly quota of 150
                Load drugs = send(400, i -> (i % 2 == 0 ? a : b), "DEMO-DRUG-%04d", null, -1);
                assertThat(drugs.accepted).hasSize(400);
                await().atMost(Duration.ofSeconds(60)).until(() -> count(db, "SELECT count(*) FROM deliveries d JOIN agencies g "
                        + "ON g.id = d.agency_id WHERE g.name = 'NAFDAC' AND d.status IN ('delivered', 'throttled')") == 400);
                List<String> nafdac = idsAt(agencies, "/demo/agencies/NAFDAC");
                assertThat(nafdac).hasSize(150).doesNotHaveDuplicates();
                assertThat(count(db, "SELECT hour_count FROM agency_rate_limits r JOIN agencies g ON g.id = r.agency_id "
                        + "WHERE g.name = 'NAFDAC'")).isEqualTo(150);
                assertThat(count(db, "SELECT count(*) FROM deliveries d JOIN agencies g ON g.id = d.agency_id "
                        + "WHERE g.name = 'NAFDAC' AND d.status = 'throttled'")).isEqualTo(250);

                // phase 2: 1600 food flags (FIRS) at both; instance b is killed with kill -9 a third of the way in
                AtomicLong killedAt = new AtomicLong();
                AtomicLong leased = new AtomicLong();
                Load food = send(1600, i -> (i % 2 == 0 || !b.alive()) ? a : b, "DEMO-FOOD-%04d", () -> {
                    b.kill();
                    killedAt.set(System.currentTimeMillis());
                    // what the dead instance held: claimed, not finished, lease still running
                    leased.set(uncheckedCount(db, "SELECT count(*) FROM deliveries WHERE status = 'pending' "
                            + "AND lease_owner LIKE '%/" + b.pid() + "/%' AND lease_until > now()"));
                }, 500);
                assertThat(b.alive()).isFalse();
                assertThat(food.accepted.size() + food.refused.get()).isEqualTo(1600);
                assertThat(food.accepted.size()).isGreaterThan(1200);
                long leasedByKilled = leased.get();
                await().atMost(Duration.ofSeconds(60)).until(() -> count(db, "SELECT count(*) FROM deliveries d JOIN agencies g "
                        + "ON g.id = d.agency_id WHERE g.name = 'FIRS' AND d.status <> 'delivered'") == 0);

                Map<String, String> deliveryOfFlag = deliveriesByFlag(db, "FIRS");
                List<String> firs = idsAt(agencies, "/demo/agencies/FIRS");
                Set<String> received = Set.copyOf(firs);
                // every accepted flag was delivered (and flags whose 202 was lost in the kill too)
                assertThat(food.accepted).allSatisfy(flag -> assertThat(received).contains(deliveryOfFlag.get(flag)));
                assertThat(received).containsAll(deliveryOfFlag.values());
                // each delivery is recorded delivered exactly once
                assertThat(count(db, "SELECT count(*) FROM (SELECT delivery_id FROM webhook_logs WHERE outcome = 'delivered' "
                        + "GROUP BY delivery_id HAVING count(*) > 1) twice")).isZero();
                // the only repeats an agency can see are sends the killed instance made but could not record
                Map<String, Long> arrivals = firs.stream().collect(Collectors.groupingBy(id -> id, Collectors.counting()));
                List<String> repeated = arrivals.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
                Map<String, Long> firstArrival = new HashMap<>();
                agencies.receivedAt("/demo/agencies/FIRS").forEach(r -> firstArrival.merge(r.header("webhook-id"), r.atMillis(), Math::min));
                assertThat(repeated).allSatisfy(id -> assertThat(firstArrival.get(id)).isLessThanOrEqualTo(killedAt.get()));
                assertThat((long) repeated.size()).isLessThanOrEqualTo(leasedByKilled);
                // the killed instance's quota blocks are no longer on record: what it left unused is back
                await().atMost(Duration.ofSeconds(30)).until(() -> count(db, "SELECT count(*) FROM quota_allowances "
                        + "WHERE instance_id LIKE '%/" + b.pid() + "/%'") == 0);
                long firsCounted = count(db, "SELECT hour_count FROM agency_rate_limits r JOIN agencies g "
                        + "ON g.id = r.agency_id WHERE g.name = 'FIRS'");
                long firsDelivered = count(db, "SELECT count(*) FROM deliveries d JOIN agencies g ON g.id = d.agency_id "
                        + "WHERE g.name = 'FIRS' AND d.status = 'delivered'");
                assertThat(firsCounted).as("FIRS counted vs delivered").isGreaterThanOrEqualTo(firsDelivered);
                System.out.printf("two instances: drugs %d accepted; food %d accepted, %d refused after kill; "
                                + "%d deliveries leased by the killed instance, %d re-sent after takeover; FIRS quota counted %d "
                        + "for %d delivered%n",
                        drugs.accepted.size(), food.accepted.size(), food.refused.get(), leasedByKilled, repeated.size(),
                        firsCounted, firsDelivered);
            }
        }
    }

    // ------------------------------------------------------------------ load

    /** What a load run saw: accepted flag ids, refused requests, and what the killed instance held. */
    private static final class Load {
        final Set<String> accepted = ConcurrentHashMap.newKeySet();
        final AtomicInteger refused = new AtomicInteger();
    }

    private Load send(int flags, IntFunction<RelayProcess> target, String codePattern, Runnable kill, int killAfter) throws Exception {
        Load load = new Load();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
        ExecutorService senders = Executors.newFixedThreadPool(16);
        // codes spread over the demo catalogue (500 per category): one code's row is updated by every flag of it
        String body = "{\"reason\":\"counterfeit\",\"severity\":\"high\"}";
        for (int t = 0; t < 16; t++) {
            senders.submit(() -> {
                for (int i = next.getAndIncrement(); i < flags; i = next.getAndIncrement()) {
                    if (kill != null && answered.get() >= killAfter && killed.compareAndSet(false, true)) {
                        kill.run();
                    }
                    RelayProcess relay = target.apply(i);
                    try {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(relay.baseUrl()
                                        + "/api/codes/" + String.format(codePattern, 1 + i % 500) + "/flag"))
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + TOKEN)
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        Matcher m = FLAG_ID.matcher(r.body());
                        if (r.statusCode() == 202 && m.find()) {
                            load.accepted.add(m.group(1));
                            answered.incrementAndGet();
                        } else {
                            load.refused.incrementAndGet();
                        }
                    } catch (java.io.IOException e) {
                        load.refused.incrementAndGet();
                    }
                }
                return null;
            });
        }
        senders.shutdown();
        assertThat(senders.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
        return load;
    }

    // ------------------------------------------------------------------ database

    private static List<String> idsAt(AgencyReceiver receiver, String path) {
        return receiver.receivedAt(path).stream().map(r -> r.header("webhook-id")).toList();
    }

    private static Map<String, String> deliveriesByFlag(String db, String agency) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Connection c = connect(db); PreparedStatement ps = c.prepareStatement("SELECT d.flag_id, d.id FROM deliveries d "
                + "JOIN agencies g ON g.id = d.agency_id WHERE g.name = ?")) {
            ps.setString(1, agency);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    private static long count(String db, String sql) throws SQLException {
        try (Connection c = connect(db); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long uncheckedCount(String db, String sql) {
        try {
            return count(db, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sql(String db, String sql) throws SQLException {
        try (Connection c = connect(db); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    private static Connection connect(String db) throws SQLException {
        return DriverManager.getConnection(db, EmbeddedPostgres.USER, "");
    }
}
