package io.alertrelay.events;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import io.alertrelay.support.TestRelay;
import io.alertrelay.support.TestSubscriptions;
import io.alertrelay.support.TestSubscriptions.Subscription;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/** A subscription whose target is a Camel endpoint (file:) gets the same signed messages and attempt log. */
class EndpointTargetTest {

    private final TestRelay relay = TestRelay.shared();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void fileSubscriptionReceivesSignedMessagesItCanVerify() throws Exception {
        Path dir = TestRelay.tempDir().resolve("outbox");
        String type = TestSubscriptions.uniqueType("file");
        Subscription sub = TestSubscriptions.create(relay, type, "file:" + dir, true);
        String eventId = "evt-" + UUID.randomUUID();
        HttpResponse<String> r = relay.postJson("/api/events", "{\"event_id\":\"" + eventId + "\",\"type\":\"" + type
                + "\",\"payload\":{\"lot\":\"L-7\"}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String deliveryId = relay.json(r).get("deliveries").get(0).get("deliveryId").asText();

        Path body = dir.resolve(deliveryId + ".json");
        Path sidecar = dir.resolve(deliveryId + ".headers.json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(body) && Files.exists(sidecar));
        String payload = Files.readString(body);
        Map<String, String> headers = json.readValue(Files.readString(sidecar), new TypeReference<>() { });
        assertThat(headers.get("webhook-id")).isEqualTo(deliveryId);
        assertThat(headers.get("X-Subscriber-Token")).isEqualTo("token-" + sub.name());
        Map<String, List<String>> signed = Map.of(
                "webhook-id", List.of(headers.get("webhook-id")),
                "webhook-timestamp", List.of(headers.get("webhook-timestamp")),
                "webhook-signature", List.of(headers.get("webhook-signature")));
        assertThatCode(() -> new Webhook(sub.secret()).verify(payload, signed)).doesNotThrowAnyException();
        assertThatCode(() -> new Webhook(sub.secret()).verify(payload.replace("L-7", "L-8"), signed))
                .isInstanceOf(Exception.class);
        JsonNode event = json.readTree(payload);
        assertThat(event.get("type").asText()).isEqualTo(type);
        assertThat(event.get("data").get("lot").asText()).isEqualTo("L-7");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode d = relay.json(relay.get("/api/events/" + eventId)).get("deliveries").get(0);
            assertThat(d.get("status").asText()).isEqualTo("delivered");
            assertThat(d.get("attemptLog").get(0).get("httpStatus").asInt()).isEqualTo(200);
        });
    }

    @Test
    void failingEndpointIsRetriedAndLoggedLikeAnHttpTarget() throws Exception {
        Path blocker = TestRelay.tempDir().resolve("not-a-directory");
        Files.writeString(blocker, "a file where the target directory should be");
        String type = TestSubscriptions.uniqueType("file-fail");
        TestSubscriptions.create(relay, type, "file:" + blocker, true);
        String eventId = "evt-" + UUID.randomUUID();
        relay.postJson("/api/events", "{\"event_id\":\"" + eventId + "\",\"type\":\"" + type + "\",\"payload\":{}}");
        // the shared relay's test schedule: 3 quick redeliveries, two durable rounds, then failed
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode d = relay.json(relay.get("/api/events/" + eventId)).get("deliveries").get(0);
            assertThat(d.get("status").asText()).isEqualTo("failed");
            assertThat(d.get("attemptLog").size()).isGreaterThan(1);
            assertThat(d.get("attemptLog").get(0).get("outcome").asText()).isEqualTo("network_error");
        });
    }
}
