package io.alertrelay.partners;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestRelay;
import io.alertrelay.support.TestSubscriptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** POST /webhooks/{partner}: Standard Webhooks signature with the partner's secret, dedupe on webhook-id, rules. */
class PartnerWebhooksTest {

    private final TestRelay relay = TestRelay.shared();
    private final AgencyReceiver receiver = new AgencyReceiver();

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    /** A registered partner: its name and the secret shown once. */
    record Partner(String name, String secret) {
    }

    static Partner register(TestRelay relay) {
        String name = "partner-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> r = relay.postJson("/api/admin/partners", "{\"name\":\"" + name + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new Partner(name, relay.json(r).get("secret").asText());
    }

    /** Sends {@code body} to the partner webhook, signed with {@code secret} at {@code timestamp}. */
    static HttpResponse<String> send(TestRelay relay, String partner, String secret, String webhookId, long timestamp,
                                     String body) throws Exception {
        String signature = new Webhook(secret).sign(webhookId, timestamp, body);
        return relay.postJson("/webhooks/" + partner, body, "webhook-id", webhookId,
                "webhook-timestamp", String.valueOf(timestamp), "webhook-signature", signature);
    }

    @Test
    void goodSignatureIsAcceptedOnceAndTheRepeatGetsTheFirstResult() throws Exception {
        Partner partner = register(relay);
        String type = "shipment.delivered";
        TestSubscriptions.Subscription sub = TestSubscriptions.create(relay, type, receiver.url("/shipments"), true);
        try {
            acceptedOnce(partner, type);
        } finally {
            TestSubscriptions.delete(relay, sub.id());
        }
    }

    private void acceptedOnce(Partner partner, String type) throws Exception {
        String webhookId = "msg_" + UUID.randomUUID();
        String body = "{\"type\":\"" + type + "\",\"timestamp\":\"2026-11-23T10:00:00Z\",\"data\":{\"shipment\":\"SH-9\"}}";
        long now = Instant.now().getEpochSecond();

        HttpResponse<String> first = send(relay, partner.name(), partner.secret(), webhookId, now, body);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        JsonNode accepted = relay.json(first);
        assertThat(accepted.get("outcome").asText()).isEqualTo("event");
        String eventId = accepted.get("result").get("event_id").asText();
        assertThat(eventId).isEqualTo(partner.name() + ":" + webhookId);

        HttpResponse<String> repeat = send(relay, partner.name(), partner.secret(), webhookId, now, body);
        assertThat(repeat.statusCode()).isEqualTo(200);
        JsonNode duplicate = relay.json(repeat);
        assertThat(duplicate.get("status").asText()).isEqualTo("duplicate");
        assertThat(duplicate.get("outcome").asText()).isEqualTo("event");
        assertThat(duplicate.get("result").get("event_id").asText()).isEqualTo(eventId);

        assertThat(relay.queryValue("SELECT count(*) FROM inbound_events WHERE partner = ? AND webhook_id = ?",
                partner.name(), webhookId)).isEqualTo(1L);
        assertThat(relay.queryValue("SELECT body FROM inbound_events WHERE partner = ? AND webhook_id = ?",
                partner.name(), webhookId)).isEqualTo(body);
        assertThat(relay.queryValue("SELECT count(*) FROM events WHERE event_id = ?", eventId)).isEqualTo(1L);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() == 1);
        assertThat(receiver.received().get(0).body()).contains("SH-9");
    }

    @Test
    void concurrentRepeatsOfOneWebhookCreateOneEvent() throws Exception {
        Partner partner = register(relay);
        String webhookId = "msg_" + UUID.randomUUID();
        String body = "{\"type\":\"recall.issued\",\"data\":{\"batch\":\"B-1\"}}";
        long now = Instant.now().getEpochSecond();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var latch = new java.util.concurrent.CountDownLatch(1);
            java.util.List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> {
                    latch.await();
                    return send(relay, partner.name(), partner.secret(), webhookId, now, body).statusCode();
                }));
            }
            latch.countDown();
            java.util.List<Integer> statuses = new java.util.ArrayList<>();
            for (var f : answers) {
                statuses.add(f.get());
            }
            assertThat(statuses).isSubsetOf(202, 200, 409);
            assertThat(statuses.stream().filter(x -> x == 202).count()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(relay.queryValue("SELECT count(*) FROM events WHERE event_id = ?", partner.name() + ":" + webhookId))
                .isEqualTo(1L);
        assertThat(send(relay, partner.name(), partner.secret(), webhookId, now, body).statusCode()).isEqualTo(200);
    }

    @Test
    void badOrStaleSignaturesAndUnknownPartnersAre401() throws Exception {
        Partner partner = register(relay);
        Partner other = register(relay);
        String body = "{\"type\":\"shipment.created\",\"data\":{}}";
        long now = Instant.now().getEpochSecond();

        HttpResponse<String> wrongSecret = send(relay, partner.name(), other.secret(), "msg_1", now, body);
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(relay.json(wrongSecret).get("error").asText()).isEqualTo("webhook signature verification failed");

        String signature = new Webhook(partner.secret()).sign("msg_2", now, body);
        HttpResponse<String> tampered = relay.postJson("/webhooks/" + partner.name(), body.replace("created", "deleted"),
                "webhook-id", "msg_2", "webhook-timestamp", String.valueOf(now), "webhook-signature", signature);
        assertThat(tampered.statusCode()).isEqualTo(401);

        HttpResponse<String> stale = send(relay, partner.name(), partner.secret(), "msg_3", now - 6 * 60, body);
        assertThat(stale.statusCode()).isEqualTo(401);
        HttpResponse<String> future = send(relay, partner.name(), partner.secret(), "msg_4", now + 6 * 60, body);
        assertThat(future.statusCode()).isEqualTo(401);

        HttpResponse<String> unsigned = relay.postJson("/webhooks/" + partner.name(), body);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(relay.json(unsigned).get("details").toString()).contains("webhook-id");

        HttpResponse<String> unknown = send(relay, "no-such-partner", partner.secret(), "msg_5", now, body);
        assertThat(unknown.statusCode()).isEqualTo(401);

        assertThat(relay.queryValue("SELECT count(*) FROM inbound_events WHERE partner = ?", partner.name())).isEqualTo(0L);
        // within the tolerance the same partner is accepted: the refusals above were for their signatures
        assertThat(send(relay, partner.name(), partner.secret(), "msg_6", now - 60, body).statusCode()).isEqualTo(202);
    }

    @Test
    void counterfeitScanBecomesAFlagThroughTheRuleFile() throws Exception {
        Partner partner = register(relay);
        String code = Catalogue.newCode(relay, "drugs");
        String body = "{\"type\":\"scan.counterfeit_detected\",\"data\":{\"code\":\"" + code + "\",\"severity\":\"critical\"}}";
        HttpResponse<String> r = send(relay, partner.name(), partner.secret(), "scan_" + UUID.randomUUID(),
                Instant.now().getEpochSecond(), body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode result = relay.json(r);
        assertThat(result.get("outcome").asText()).isEqualTo("flag");
        String flagId = result.get("result").get("flagId").asText();
        JsonNode flag = relay.json(relay.get("/api/flags/" + flagId));
        assertThat(flag.get("code").asText()).isEqualTo(code);
        assertThat(flag.get("severity").asText()).isEqualTo("critical");
        assertThat(flag.get("reason").asText()).isEqualTo("counterfeit");
        assertThat(flag.get("reportedBy").asText()).isEqualTo("partner:" + partner.name());
        assertThat(flag.get("codeFlagged").asBoolean()).isTrue();

        // a scan of an unknown code is refused (422-style JSON error) and remembered as rejected
        String unknown = "{\"type\":\"scan.counterfeit_detected\",\"data\":{\"code\":\"NO-SUCH-CODE\",\"severity\":\"high\"}}";
        String id = "scan_" + UUID.randomUUID();
        HttpResponse<String> refused = send(relay, partner.name(), partner.secret(), id, Instant.now().getEpochSecond(), unknown);
        assertThat(refused.statusCode()).isEqualTo(404);
        assertThat(relay.queryValue("SELECT outcome FROM inbound_events WHERE partner = ? AND webhook_id = ?",
                partner.name(), id)).isEqualTo("rejected");

        // a type no rule maps is kept and answered 200, nothing created
        HttpResponse<String> ignored = send(relay, partner.name(), partner.secret(), "misc_" + UUID.randomUUID(),
                Instant.now().getEpochSecond(), "{\"type\":\"inventory.counted\",\"data\":{}}");
        assertThat(ignored.statusCode()).isEqualTo(200);
        assertThat(relay.json(ignored).get("outcome").asText()).isEqualTo("ignored");
    }

    @Test
    void partnerAdminNeverShowsTheSecretAgain() {
        Partner partner = register(relay);
        assertThat(partner.secret()).startsWith("whsec_");
        String listed = relay.get("/api/admin/partners").body();
        assertThat(listed).contains(partner.name()).doesNotContain(partner.secret()).doesNotContain("whsec_");
        assertThat(relay.postJson("/api/admin/partners", "{\"name\":\"" + partner.name() + "\"}").statusCode()).isEqualTo(409);
        assertThat(relay.postJson("/api/admin/partners", "{\"name\":\"Not A Slug!\"}").statusCode()).isEqualTo(400);
        assertThat(relay.get("/api/admin/partners/no-such-partner").statusCode()).isEqualTo(404);
    }
}
