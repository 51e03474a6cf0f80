package io.alertrelay.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.delivery.AttemptWriter;
import io.alertrelay.delivery.DeliveryStore;
import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Intake group commit: flags that arrive together are written in one statement and one commit, each
 * request answered 202 only after it, with its own answer; a flag that cannot be written fails alone.
 */
class FlagGroupCommitTest {

    private final TestRelay relay = TestRelay.shared();

    private FlagStore store() {
        return relay.app().camel().getRegistry().lookupByNameAndType("flagStore", FlagStore.class);
    }

    @Test
    void concurrentFlagsShareBatchesAndEachGetsItsOwnCommittedAnswer() throws Exception {
        int n = 48;
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            codes.add(Catalogue.newCode(relay, i % 2 == 0 ? "drugs" : "food"));
        }
        String key = "group-" + UUID.randomUUID();
        long batchesBefore = store().batches();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (String code : codes) {
                answers.add(pool.submit(() -> relay.postJson("/api/codes/" + code + "/flag",
                        "{\"reason\":\"counterfeit\",\"severity\":\"high\"}")));
            }
            // the same Idempotency-Key four times at once: one flag, the same answer for all
            String repeated = codes.get(0);
            List<Future<HttpResponse<String>>> repeats = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                repeats.add(pool.submit(() -> relay.postJson("/api/codes/" + repeated + "/flag",
                        "{\"reason\":\"suspicious\",\"severity\":\"low\"}", "Idempotency-Key", key)));
            }
            for (int i = 0; i < n; i++) {
                HttpResponse<String> r = answers.get(i).get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                JsonNode body = relay.json(r);
                assertThat(body.get("code").asText()).isEqualTo(codes.get(i));
                String flagId = body.get("flagId").asText();
                // answered only once committed: the flag and its outbox row are there
                assertThat(relay.queryValue("SELECT count(*) FROM deliveries WHERE flag_id = ?::uuid", flagId)).isEqualTo(1L);
                assertThat(relay.queryValue("SELECT is_flagged FROM product_codes WHERE code = ?", codes.get(i))).isEqualTo(true);
            }
            List<String> repeatIds = new ArrayList<>();
            for (Future<HttpResponse<String>> f : repeats) {
                HttpResponse<String> r = f.get();
                assertThat(r.statusCode()).as(r.body()).isIn(200, 202);
                repeatIds.add(relay.json(r).get("flagId").asText());
            }
            assertThat(repeatIds).containsOnly(repeatIds.get(0));
            assertThat(relay.queryValue("SELECT count(*) FROM flags WHERE idempotency_key = ?", key)).isEqualTo(1L);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store().batches() - batchesBefore).as("batches for %d concurrent flags", n + 4).isLessThan(n + 4);
    }

    @Test
    void aFlagThatCannotBeWrittenFailsAloneAndItsBatchCommits() throws Exception {
        DataSource dataSource = relay.app().camel().getRegistry().lookupByNameAndType("relayDataSource", DataSource.class);
        DeliveryStore deliveries = new DeliveryStore(dataSource, "test-instance", Duration.ofSeconds(60),
                relay.app().camel().getRegistry().lookupByNameAndType("attemptWriter", AttemptWriter.class));
        // a long linger puts all of them in one batch
        FlagStore store = new FlagStore(dataSource, deliveries, 64, Duration.ofMillis(500), Duration.ZERO);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            CodeDetails good = code(Catalogue.newCode(relay, "drugs"));
            CodeDetails missing = new CodeDetails(-42, "NO-SUCH", "b", Optional.empty(), 1, "p", Optional.empty(), 1, "m",
                    Optional.empty(), "drugs");
            List<CompletableFuture<Optional<FlagStore.Recorded>>> goods = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                goods.add(CompletableFuture.supplyAsync(() -> record(store, good), pool));
            }
            CompletableFuture<Optional<FlagStore.Recorded>> bad = CompletableFuture.supplyAsync(() -> record(store, missing), pool);
            for (CompletableFuture<Optional<FlagStore.Recorded>> g : goods) {
                FlagStore.Recorded r = g.get().orElseThrow();
                assertThat(r.agencies()).containsExactly("NAFDAC");
                assertThat(relay.queryValue("SELECT count(*) FROM flags WHERE id = ?::uuid", r.flagId().toString())).isEqualTo(1L);
            }
            assertThatThrownBy(bad::get).hasRootCauseInstanceOf(org.postgresql.util.PSQLException.class);
            assertThat(store.batches()).as("one failed batch, then each flag on its own").isGreaterThanOrEqualTo(1);
        } finally {
            pool.shutdownNow();
            store.close();
        }
    }

    private static Optional<FlagStore.Recorded> record(FlagStore store, CodeDetails code) {
        try {
            FlagRequest request = new FlagRequest(code.code(), Reason.COUNTERFEIT, Severity.HIGH, Optional.empty(),
                    Optional.empty(), Optional.empty());
            return store.record(new FlagStore.NewFlag(UUID.randomUUID(), code, request, "corr-" + UUID.randomUUID(),
                    OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS), "{}", List.of("NAFDAC")));
        } catch (SQLException e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    private CodeDetails code(String code) throws SQLException {
        return store().findCode(code).orElseThrow();
    }
}
