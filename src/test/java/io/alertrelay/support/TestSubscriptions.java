package io.alertrelay.support;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Test-owned subscriptions, created and changed through the admin API as an admin would. */
public final class TestSubscriptions {

    /** A subscription as a test knows it: id, name and the secret shown once at creation. */
    public record Subscription(long id, String name, String secret) {
    }

    private TestSubscriptions() {
    }

    public static Subscription create(TestRelay relay, String eventType, String target, boolean active) {
        String name = "test-sub-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> r = relay.postJson("/api/admin/subscriptions", "{\"name\":\"" + name + "\",\"eventType\":\""
                + eventType + "\",\"target\":\"" + target + "\",\"active\":" + active
                + ",\"customHeaders\":{\"X-Subscriber-Token\":\"token-" + name + "\"}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode body = relay.json(r);
        return new Subscription(body.get("id").asLong(), name, body.get("secret").asText());
    }

    public static HttpResponse<String> patch(TestRelay relay, long id, String json) {
        return relay.send(HttpRequest.newBuilder(URI.create(relay.baseUrl() + "/api/admin/subscriptions/" + id))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public static HttpResponse<String> delete(TestRelay relay, long id) {
        return relay.send(HttpRequest.newBuilder(URI.create(relay.baseUrl() + "/api/admin/subscriptions/" + id))
                .timeout(Duration.ofSeconds(30)).DELETE().build());
    }

    /** A unique event type, so no other test's subscriptions see a test's events. */
    public static String uniqueType(String stem) {
        return "test." + stem + "." + UUID.randomUUID().toString().substring(0, 8);
    }
}
