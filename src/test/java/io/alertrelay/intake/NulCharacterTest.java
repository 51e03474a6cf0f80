package io.alertrelay.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL stores no U+0000 in text or jsonb: a NUL in any input that would reach the database is a
 * 400 naming the field, never a 500, and nothing of the request is stored. In the JSON bodies below
 * {@code \\u0000} is the JSON escape a client sends; in the CSV it is the raw character.
 */
class NulCharacterTest {

    private final TestRelay relay = TestRelay.shared();

    private JsonNode refused(HttpResponse<String> r, String field) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode body = relay.json(r);
        assertThat(body.get("error").asText()).isEqualTo(field + " contains a NUL character");
        assertThat(body.get("details").isArray()).isTrue();
        assertThat(body.get("details").get(0).asText()).startsWith(field + ": ").contains("U+0000");
        return body;
    }

    private long flagsOf(String code) {
        return (Long) relay.queryValue("SELECT count(*) FROM flags f JOIN product_codes c ON c.id = f.code_id WHERE c.code = ?", code);
    }

    @Test
    void aFlagWhoseNoteHoldsANulIs400NamingTheNote() {
        String code = Catalogue.newCode(relay, "drugs");
        refused(relay.postJson("/api/codes/" + code + "/flag",
                "{\"reason\":\"counterfeit\",\"severity\":\"high\",\"note\":\"seen at\\u0000market\"}"), "note");
        refused(relay.postJson("/api/codes/" + code + "/flag",
                "{\"reason\":\"counterfeit\",\"severity\":\"high\",\"reportedBy\":\"\\u0000\"}"), "reportedBy");
        assertThat(flagsOf(code)).isZero();
        assertThat(relay.queryValue("SELECT is_flagged FROM product_codes WHERE code = ?", code)).isEqualTo(false);
    }

    @Test
    void aNulInThePathOrTheQueryIs400() {
        refused(relay.postJson("/api/codes/DEMO%00DRUG/flag", "{\"reason\":\"counterfeit\",\"severity\":\"high\"}"), "path");
        refused(relay.get("/api/events/evt%00x"), "path");
        refused(relay.get("/api/admin/deliveries?agency=NAF%00DAC"), "query parameter agency");
    }

    @Test
    void anUnflagWhoseReasonHoldsANulIs400AndTheCodeStaysFlagged() {
        String code = Catalogue.newCode(relay, "food");
        HttpResponse<String> flagged = relay.postJson("/api/codes/" + code + "/flag",
                "{\"reason\":\"counterfeit\",\"severity\":\"low\"}");
        assertThat(flagged.statusCode()).as(flagged.body()).isEqualTo(202);
        refused(relay.postJson("/api/codes/" + code + "/unflag", "{\"reason\":\"cleared\\u0000\"}"), "reason");
        assertThat(relay.queryValue("SELECT is_flagged FROM product_codes WHERE code = ?", code)).isEqualTo(true);
    }

    @Test
    void anEventWhosePayloadHoldsANulAnywhereIs400NamingThePath() {
        String eventId = "evt-" + UUID.randomUUID();
        refused(relay.postJson("/api/events", "{\"event_id\":\"" + eventId + "\",\"type\":\"recall.issued\","
                + "\"payload\":{\"batches\":[{\"id\":\"B-1\"},{\"id\":\"B\\u00002\"}]}}"), "payload.batches[1].id");
        refused(relay.postJson("/api/events", "{\"event_id\":\"" + eventId + "\",\"type\":\"recall.issued\","
                + "\"payload\":{\"a\\u0000b\":1}}"), "payload.a\\u0000b");
        refused(relay.postJson("/api/events", "{\"event_id\":\"" + eventId + "\\u0000\",\"type\":\"recall.issued\","
                + "\"payload\":{}}"), "event_id");
        assertThat(relay.queryValue("SELECT count(*) FROM events WHERE event_id LIKE ?", eventId + "%")).isEqualTo(0L);
    }

    @Test
    void aSignedPartnerWebhookHoldingANulIs400AndNotStored() throws Exception {
        String name = "partner-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = relay.postJson("/api/admin/partners", "{\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String secret = relay.json(created).get("secret").asText();
        String code = Catalogue.newCode(relay, "drugs");
        String webhookId = "msg_" + UUID.randomUUID();
        String body = "{\"type\":\"scan.counterfeit_detected\",\"data\":{\"code\":\"" + code
                + "\\u0000\",\"severity\":\"high\"}}";
        long now = Instant.now().getEpochSecond();
        HttpResponse<String> r = relay.postJson("/webhooks/" + name, body, "webhook-id", webhookId,
                "webhook-timestamp", String.valueOf(now), "webhook-signature", new Webhook(secret).sign(webhookId, now, body));
        refused(r, "data.code");
        assertThat(relay.queryValue("SELECT count(*) FROM inbound_events WHERE partner = ?", name)).isEqualTo(0L);
        assertThat(flagsOf(code)).isZero();
    }

    @Test
    void aCatalogueCsvCellHoldingANulIs400NamingRowAndColumn() {
        String code = "NUL-" + UUID.randomUUID().toString().substring(0, 8);
        String csv = "manufacturer,category,product,batch,code\r\n"
                + "Nul Pharma " + code + ",drugs,Good Tablets,B1," + code + "-1\r\n"
                + "Nul Pharma " + code + ",drugs,Bad\u0000Tablets,B1," + code + "-2\r\n";
        refused(relay.request("POST", "/api/admin/catalogue/import", relay.adminToken(), "text/csv", csv), "row 2 product");
        String json = "[{\"manufacturer\":\"Nul Pharma " + code + "\",\"category\":\"drugs\",\"product\":\"P\","
                + "\"code\":\"" + code + "-3\",\"batch\":\"\\u0000\"}]";
        refused(relay.requestJson("POST", "/api/admin/catalogue/import", json), "row 1 batch");
        assertThat(relay.queryValue("SELECT count(*) FROM product_codes WHERE code LIKE ?", code + "%")).isEqualTo(0L);
    }

    @Test
    void anAdminFieldHoldingANulIs400NamingTheField() {
        String agency = "NUL-" + UUID.randomUUID().toString().substring(0, 8);
        refused(relay.requestJson("POST", "/api/admin/management/webhooks/" + agency + "/register",
                "{\"webhookUrl\":\"http://127.0.0.1:9/hook\",\"displayName\":\"Nul\\u0000Agency\"}"), "displayName");
        refused(relay.requestJson("POST", "/api/admin/management/webhooks/" + agency + "/register",
                "{\"webhookUrl\":\"http://127.0.0.1:9/hook\",\"customHeaders\":{\"X-Team\":\"a\\u0000\"}}"),
                "customHeaders.X-Team");
        refused(relay.requestJson("POST", "/api/admin/subscriptions", "{\"name\":\"n\\u0000\",\"eventType\":\"recall.issued\","
                + "\"target\":\"http://127.0.0.1:9/x\"}"), "name");
        assertThat(relay.queryValue("SELECT count(*) FROM agencies WHERE name = ?", agency)).isEqualTo(0L);
    }

    @Test
    void anAdminChangeRefusedForANulInItsPathIsAuditedAsAFailure() {
        String agency = "NUL-" + UUID.randomUUID().toString().substring(0, 8);
        refused(relay.requestJson("PUT", "/api/admin/management/rate-limits/" + agency + "%00",
                "{\"alertsPerHour\":1,\"alertsPerDay\":1}"), "path");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> (Long) relay.queryValue(
                "SELECT count(*) FROM audit_log WHERE resource LIKE ? AND outcome = 'failure' AND http_status = 400",
                "%" + agency + "%") == 1L);
    }
}
