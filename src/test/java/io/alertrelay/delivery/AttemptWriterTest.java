package io.alertrelay.delivery;

import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestAgencies.Agency;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Attempts recorded with group commit: every worker's attempt is written, batched, and only under its own lease. */
class AttemptWriterTest {

    private final TestRelay relay = TestRelay.shared();

    /** A pending delivery leased to {@code owner} for an hour: no relay's poller touches it. */
    private UUID leasedDelivery(Agency agency, String owner) {
        UUID id = UUID.randomUUID();
        relay.update("INSERT INTO deliveries (id, agency_id, event_type, payload, lease_owner, lease_until) "
                + "VALUES (?, ?, 'code.flagged', '{}', ?, now() + interval '1 hour')", id, agency.id(), owner);
        return id;
    }

    @Test
    void concurrentAttemptsAreWrittenInFewerStatementsEachUnderItsOwnLease() throws Exception {
        Agency agency = TestAgencies.create(relay, "http://127.0.0.1:9/unused");
        String owner = "writer-test-" + UUID.randomUUID();
        List<UUID> mine = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            // leased from the start, to "this instance" or another
            mine.add(leasedDelivery(agency, i % 50 == 0 ? "someone-else" : owner));
        }
        try (AttemptWriter writer = new AttemptWriter(relay.app().dataSource(), owner, 200, Duration.ZERO)) {
            ExecutorService workers = Executors.newFixedThreadPool(16);
            List<Future<Boolean>> results = new ArrayList<>();
            for (UUID id : mine) {
                results.add(workers.submit(() -> writer.record(new AttemptWriter.Attempt(id, "delivered", "delivered",
                        200, null, "CASE-" + id, 7))));
            }
            for (int i = 0; i < mine.size(); i++) {
                assertThat(results.get(i).get()).as("recorded under its own lease").isEqualTo(i % 50 != 0);
            }
            workers.shutdown();
            assertThat(writer.batches()).as("statements for 400 attempts").isLessThan(400);
        }
        assertThat(TestAgencies.count(relay, "SELECT count(*) FROM deliveries WHERE agency_id = ? AND status = 'delivered' "
                + "AND attempts = 1 AND lease_owner IS NULL AND case_number = 'CASE-' || id", agency.id())).isEqualTo(392);
        assertThat(TestAgencies.count(relay, "SELECT count(*) FROM webhook_logs WHERE agency_id = ? AND outcome = 'delivered' "
                + "AND http_status = 200 AND duration_ms = 7 AND attempt = 1", agency.id())).isEqualTo(392);
        assertThat(TestAgencies.count(relay, "SELECT count(*) FROM deliveries WHERE agency_id = ? AND status = 'pending' "
                + "AND lease_owner = 'someone-else'", agency.id())).isEqualTo(8);
    }

    @Test
    void aSubmittedAttemptDoesNotWaitForItsCommitAndIsRecordedAfterwards() throws Exception {
        Agency agency = TestAgencies.create(relay, "http://127.0.0.1:9/unused");
        String owner = "submit-test-" + UUID.randomUUID();
        UUID id = leasedDelivery(agency, owner);
        try (AttemptWriter writer = new AttemptWriter(relay.app().dataSource(), owner, 200, Duration.ofSeconds(2))) {
            java.util.concurrent.CompletableFuture<Boolean> recorded =
                    writer.submit(new AttemptWriter.Attempt(id, "delivered", "delivered", 200, null, null, 4));
            // back before the batch's linger is over, so before the commit
            assertThat(recorded).isNotDone();
            assertThat(relay.queryValue("SELECT status FROM deliveries WHERE id = ?", id)).isEqualTo("pending");
            assertThat(recorded.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        assertThat(relay.queryValue("SELECT status FROM deliveries WHERE id = ?", id)).isEqualTo("delivered");
        assertThat(TestAgencies.count(relay, "SELECT count(*) FROM webhook_logs WHERE delivery_id = ? AND outcome = 'delivered'",
                id)).isEqualTo(1);
    }

    @Test
    void attemptsArrivingOneByOneShareABatchWithinTheLinger() throws Exception {
        Agency agency = TestAgencies.create(relay, "http://127.0.0.1:9/unused");
        String owner = "linger-test-" + UUID.randomUUID();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(leasedDelivery(agency, owner));
        }
        // one attempt every 2 ms, as workers finish at a steady rate: without a linger the idle writer
        // takes each alone; with 500 ms they all join the first one's batch
        try (AttemptWriter writer = new AttemptWriter(relay.app().dataSource(), owner, 200, Duration.ofMillis(500))) {
            ExecutorService workers = Executors.newFixedThreadPool(20);
            List<Future<Boolean>> results = new ArrayList<>();
            for (UUID id : ids) {
                results.add(workers.submit(() -> writer.record(new AttemptWriter.Attempt(id, "delivered", "delivered",
                        200, null, null, 3))));
                Thread.sleep(2);
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
            workers.shutdown();
            assertThat(writer.batches()).as("statements for 20 attempts 2 ms apart").isLessThanOrEqualTo(2);
        }
        assertThat(TestAgencies.count(relay, "SELECT count(*) FROM deliveries WHERE agency_id = ? AND status = 'delivered' "
                + "AND lease_owner IS NULL", agency.id())).isEqualTo(20);
    }
}
