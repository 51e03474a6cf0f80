package io.alertrelay.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class FlagIntakeTest {

    private final TestRelay relay = TestRelay.shared();

    private HttpResponse<String> flag(String code, String body, String... headers) {
        return relay.postJson("/api/codes/" + code + "/flag", body, headers);
    }

    private List<String> agencies(JsonNode answer) {
        List<String> names = new ArrayList<>();
        answer.get("agencies").forEach(a -> names.add(a.asText()));
        return names;
    }

    @Test
    void drugsRouteToNafdac() {
        HttpResponse<String> r = flag(Catalogue.newCode(relay, "drugs"), "{\"reason\":\"counterfeit\",\"severity\":\"high\"}");
        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode body = relay.json(r);
        assertThat(body.get("category").asText()).isEqualTo("drugs");
        assertThat(body.get("status").asText()).isEqualTo("accepted");
        assertThat(agencies(body)).containsExactly("NAFDAC");
    }

    @Test
    void foodRoutesToFirs() {
        JsonNode body = relay.json(flag(Catalogue.newCode(relay, "food"), "{\"reason\":\"expired\",\"severity\":\"low\"}"));
        assertThat(agencies(body)).containsExactly("FIRS");
    }

    @Test
    void cosmeticsRouteToNafdacCosmetics() {
        JsonNode body = relay.json(flag(Catalogue.newCode(relay, "cosmetics"), "{\"reason\":\"suspicious\",\"severity\":\"medium\"}"));
        assertThat(agencies(body)).containsExactly("NAFDAC-COSMETICS");
    }

    @Test
    void criticalCosmeticsAlsoRouteToNafdac() {
        JsonNode body = relay.json(flag(Catalogue.newCode(relay, "cosmetics"), "{\"reason\":\"counterfeit\",\"severity\":\"critical\"}"));
        assertThat(agencies(body)).containsExactlyInAnyOrder("NAFDAC-COSMETICS", "NAFDAC");
        String flagId = body.get("flagId").asText();
        assertThat(((Number) relay.queryValue("SELECT count(*) FROM deliveries WHERE flag_id = ?::uuid", flagId)).intValue())
                .isEqualTo(2);
    }

    @Test
    void flagAndOutboxIdsAreTimeOrderedVersion7Uuids() throws InterruptedException {
        UUID first = UUID.fromString(relay.json(flag(Catalogue.newCode(relay, "cosmetics"),
                "{\"reason\":\"counterfeit\",\"severity\":\"critical\"}")).get("flagId").asText());
        Thread.sleep(3);
        UUID second = UUID.fromString(relay.json(flag(Catalogue.newCode(relay, "drugs"),
                "{\"reason\":\"counterfeit\",\"severity\":\"high\"}")).get("flagId").asText());
        assertThat(List.of(first, second)).allSatisfy(id -> {
            assertThat(id.version()).isEqualTo(7);
            assertThat(id.variant()).isEqualTo(2);
        });
        // the leading 48 bits are the creation millisecond: later flags sort after earlier ones
        assertThat(second.getMostSignificantBits() >>> 16).isGreaterThan(first.getMostSignificantBits() >>> 16);
        assertThat(Math.abs((first.getMostSignificantBits() >>> 16) - System.currentTimeMillis())).isLessThan(60_000L);
        // the outbox rows' ids, made by the database's default, have the same form
        List<UUID> deliveries = new ArrayList<>();
        for (UUID flag : List.of(first, second)) {
            String ids = (String) relay.queryValue("SELECT string_agg(id::text, ',') FROM deliveries WHERE flag_id = ?::uuid",
                    flag.toString());
            for (String id : ids.split(",")) {
                deliveries.add(UUID.fromString(id));
            }
        }
        assertThat(deliveries).hasSize(3).allSatisfy(id -> assertThat(id.version()).isEqualTo(7));
        long firstFlagMillis = first.getMostSignificantBits() >>> 16;
        assertThat(deliveries).allSatisfy(id ->
                assertThat(Math.abs((id.getMostSignificantBits() >>> 16) - firstFlagMillis)).isLessThan(60_000L));
    }

    @Test
    void otherCategoryWithNoDefaultIsRecordedWithoutDeliveriesAndSaysSo() {
        HttpResponse<String> r = flag(Catalogue.newCode(relay, "other"), "{\"reason\":\"other\",\"severity\":\"low\"}");
        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode body = relay.json(r);
        assertThat(agencies(body)).isEmpty();
        assertThat(body.get("message").asText()).contains("no agency");
        String flagId = body.get("flagId").asText();
        assertThat(relay.queryValue("SELECT count(*) FROM flags WHERE id = ?::uuid", flagId)).isEqualTo(1L);
        assertThat(relay.queryValue("SELECT count(*) FROM deliveries WHERE flag_id = ?::uuid", flagId)).isEqualTo(0L);
    }

    @Test
    void aCodeKeepsItsHighestSeverityAndAnotherFlagStillReachesTheAgency() {
        String code = Catalogue.newCode(relay, "drugs");
        relay.json(flag(code, "{\"reason\":\"suspicious\",\"severity\":\"medium\"}"));
        assertThat(relay.queryValue("SELECT flag_reason || '/' || flag_severity FROM product_codes WHERE code = ?", code))
                .isEqualTo("suspicious/medium");
        relay.json(flag(code, "{\"reason\":\"counterfeit\",\"severity\":\"critical\"}"));
        Object flaggedAt = relay.queryValue("SELECT flagged_at FROM product_codes WHERE code = ?", code);
        // a lower or equal severity leaves the code's row alone (no update, no row lock)
        JsonNode low = relay.json(flag(code, "{\"reason\":\"expired\",\"severity\":\"low\"}"));
        relay.json(flag(code, "{\"reason\":\"blacklisted\",\"severity\":\"critical\"}"));
        assertThat(relay.queryValue("SELECT flag_reason || '/' || flag_severity FROM product_codes WHERE code = ?", code))
                .isEqualTo("counterfeit/critical");
        assertThat(relay.queryValue("SELECT flagged_at FROM product_codes WHERE code = ?", code)).isEqualTo(flaggedAt);
        assertThat(relay.queryValue("SELECT count(*) FROM flags f JOIN product_codes c ON c.id = f.code_id WHERE c.code = ?",
                code)).isEqualTo(4L);
        assertThat(relay.queryValue("SELECT count(*) FROM deliveries WHERE flag_id = ?::uuid",
                low.get("flagId").asText())).isEqualTo(1L);
    }

    @Test
    void flagCodeStatusAndOutboxRowsAreCommittedTogetherBeforeTheAnswer() {
        String code = Catalogue.newCode(relay, "drugs");
        JsonNode body = relay.json(flag(code, "{\"reason\":\"blacklisted\",\"severity\":\"critical\",\"note\":\"seen at market\",\"reportedBy\":\"inspector-7\"}"));
        String flagId = body.get("flagId").asText();

        assertThat(relay.queryValue("SELECT reported_by FROM flags WHERE id = ?::uuid", flagId)).isEqualTo("inspector-7");
        assertThat(relay.queryValue("SELECT is_flagged FROM product_codes WHERE code = ?", code)).isEqualTo(true);
        assertThat(relay.queryValue("SELECT flag_reason || '/' || flag_severity FROM product_codes WHERE code = ?", code))
                .isEqualTo("blacklisted/critical");
        assertThat(relay.queryValue("SELECT flagged_at IS NOT NULL FROM product_codes WHERE code = ?", code)).isEqualTo(true);
        assertThat(relay.queryValue("SELECT count(*) FROM deliveries d JOIN agencies a ON a.id = d.agency_id "
                + "WHERE d.flag_id = ?::uuid AND a.name = 'NAFDAC' AND d.event_type = 'code.flagged'", flagId)).isEqualTo(1L);
        String payload = (String) relay.queryValue("SELECT payload FROM deliveries WHERE flag_id = ?::uuid", flagId);
        assertThat(payload).contains("\"type\":\"code.flagged\"").contains(code).contains("\"severity\":\"critical\"")
                .contains("\"manufacturer\"").contains("\"product\"");
    }

    @Test
    void repeatedIdempotencyKeyReturnsTheFirstAnswerAndCreatesNothing() {
        String code = Catalogue.newCode(relay, "food");
        String key = "idem-" + UUID.randomUUID();
        HttpResponse<String> first = flag(code, "{\"reason\":\"expired\",\"severity\":\"medium\"}", "Idempotency-Key", key);
        HttpResponse<String> second = flag(code, "{\"reason\":\"expired\",\"severity\":\"medium\"}", "Idempotency-Key", key);
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(202);
        assertThat(relay.json(second)).isEqualTo(relay.json(first));
        assertThat(relay.queryValue("SELECT count(*) FROM flags WHERE idempotency_key = ?", key)).isEqualTo(1L);
        assertThat(relay.queryValue("SELECT count(*) FROM deliveries d JOIN flags f ON f.id = d.flag_id WHERE f.idempotency_key = ?", key))
                .isEqualTo(1L);
    }

    @Test
    void concurrentRepeatsOfOneIdempotencyKeyCreateOneFlag() throws Exception {
        String code = Catalogue.newCode(relay, "drugs");
        String key = "race-" + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                answers.add(pool.submit(() -> flag(code, "{\"reason\":\"counterfeit\",\"severity\":\"low\"}", "Idempotency-Key", key)));
            }
            for (Future<HttpResponse<String>> a : answers) {
                assertThat(a.get().statusCode()).isEqualTo(202);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(relay.queryValue("SELECT count(*) FROM flags WHERE idempotency_key = ?", key)).isEqualTo(1L);
    }

    @Test
    void idempotencyKeyReusedForAnotherFlagIsRefused() {
        String key = "reuse-" + UUID.randomUUID();
        flag(Catalogue.newCode(relay, "food"), "{\"reason\":\"expired\",\"severity\":\"medium\"}", "Idempotency-Key", key);
        HttpResponse<String> other = flag(Catalogue.newCode(relay, "food"), "{\"reason\":\"expired\",\"severity\":\"medium\"}",
                "Idempotency-Key", key);
        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(relay.json(other).get("error").asText()).contains("Idempotency-Key");
    }

    @Test
    void flagStatusShowsTheFlagAndEachDelivery() {
        String code = Catalogue.newCode(relay, "cosmetics");
        String flagId = relay.json(flag(code, "{\"reason\":\"counterfeit\",\"severity\":\"critical\"}")).get("flagId").asText();
        HttpResponse<String> r = relay.get("/api/flags/" + flagId);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = relay.json(r);
        assertThat(body.get("code").asText()).isEqualTo(code);
        assertThat(body.get("severity").asText()).isEqualTo("critical");
        assertThat(body.get("deliveries")).hasSize(2);
        List<String> agencies = new ArrayList<>();
        body.get("deliveries").forEach(d -> {
            agencies.add(d.get("agency").asText());
            assertThat(d.get("status").asText()).isNotBlank();
            assertThat(d.has("attempts")).isTrue();
        });
        assertThat(agencies).containsExactlyInAnyOrder("NAFDAC", "NAFDAC-COSMETICS");
    }

    @Test
    void demoCodesFlagOutOfTheBox() {
        HttpResponse<String> r = flag("DEMO-DRUG-0001", "{\"reason\":\"counterfeit\",\"severity\":\"high\"}");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(agencies(relay.json(r))).containsExactly("NAFDAC");
        assertThat(r.headers().firstValue("X-Correlation-Id")).isPresent();
    }
}
