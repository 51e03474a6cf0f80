package io.alertrelay.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Webhook registration, configuration, logs, toggle, test sends, secret rotation and Ed25519 signing. */
class WebhookAdminTest {

    static TestRelay relay;
    static AgencyReceiver receiver;

    @BeforeAll
    static void start() {
        relay = TestRelay.shared();
        receiver = new AgencyReceiver();
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    static String newAgency() {
        return "WH-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    }

    static String base(String agency) {
        return "/api/admin/management/webhooks/" + agency;
    }

    JsonNode register(String agency, String extraJson) {
        String path = "/hook/" + agency;
        HttpResponse<String> r = relay.requestJson("POST", base(agency) + "/register",
                "{\"webhookUrl\":\"" + receiver.url(path) + "\",\"customHeaders\":{\"X-Agency-Key\":\"k-" + agency + "\"}"
                        + extraJson + "}");
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
        return relay.json(r);
    }

    /** Sends a webhook.test and returns what the receiver got. */
    AgencyReceiver.Received sendTest(String agency) {
        int before = receiver.receivedAt("/hook/" + agency).size();
        HttpResponse<String> r = relay.requestJson("POST", base(agency) + "/test", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode out = relay.json(r);
        assertThat(out.get("delivered").asBoolean()).as(r.body()).isTrue();
        assertThat(out.get("firstAttempt").get("httpStatus").asInt()).isEqualTo(200);
        List<AgencyReceiver.Received> got = receiver.receivedAt("/hook/" + agency);
        assertThat(got).hasSize(before + 1);
        return got.get(got.size() - 1);
    }

    static Map<String, List<String>> signedHeaders(AgencyReceiver.Received r) {
        return r.signedHeaders();
    }

    @Test
    void registrationCreatesTheAgencyAndShowsItsSecretOnlyOnce() {
        String agency = newAgency();
        JsonNode first = register(agency, "");
        assertThat(first.get("created").asBoolean()).isTrue();
        String secret = first.get("secret").asText();
        assertThat(secret).startsWith("whsec_");
        assertThat(first.get("signingAlgorithm").asText()).isEqualTo("hmac-sha256");

        HttpResponse<String> config = relay.requestJson("GET", base(agency) + "/config", null);
        assertThat(config.statusCode()).isEqualTo(200);
        JsonNode c = relay.json(config);
        assertThat(config.body()).doesNotContain(secret).doesNotContain("whsec_").doesNotContain("\"secret\"");
        assertThat(c.get("webhookUrl").asText()).endsWith("/hook/" + agency);
        assertThat(c.get("active").asBoolean()).isTrue();
        assertThat(c.get("customHeaders").get("X-Agency-Key").asText()).isEqualTo("k-" + agency);
        assertThat(c.get("hasSecret").asBoolean()).isTrue();
        assertThat(c.get("circuitBreaker").get("state").asText()).isEqualTo("CLOSED");
        assertThat(c.has("successRate")).isTrue();
        // stored encrypted, never as the plaintext
        String stored = (String) relay.queryValue("SELECT secret_enc FROM agencies WHERE name = ?", agency);
        assertThat(stored).startsWith("v1:").doesNotContain(secret.substring(6));
        // and a rate-limit row with the defaults
        assertThat(relay.json(relay.requestJson("GET", "/api/admin/management/rate-limits/" + agency, null))
                .get("alertsPerHour").asInt()).isEqualTo(100);

        JsonNode again = register(agency, "");
        assertThat(again.get("created").asBoolean()).isFalse();
        assertThat(again.get("secret").asText()).startsWith("whsec_").isNotEqualTo(secret);
        // the audit keeps the change but never the secret
        String audit = relay.requestJson("GET", "/api/admin/audit?limit=200", null).body();
        assertThat(audit).contains(base(agency) + "/register").doesNotContain(secret);
    }

    @Test
    void registrationRefusesBadInputWithDetails() {
        String agency = newAgency();
        Map<String, String> cases = Map.of(
                "{}", "webhookUrl: required",
                "{\"webhookUrl\":\"ftp://example.org/x\"}", "only http and https",
                "{\"webhookUrl\":\"http://\"}", "webhookUrl",
                "{\"webhookUrl\":\"http://example.org\",\"customHeaders\":{\"bad header\":\"x\"}}", "not a valid header name",
                "{\"webhookUrl\":\"http://example.org\",\"customHeaders\":{\"webhook-signature\":\"x\"}}", "cannot be overridden",
                "{\"webhookUrl\":\"http://example.org\",\"customHeaders\":{\"CamelHttpUri\":\"http://169.254.169.254/\"}}", "cannot be overridden",
                "{\"webhookUrl\":\"http://example.org\",\"customHeaders\":[1]}", "customHeaders",
                "{\"webhookUrl\":\"http://example.org\",\"signingAlgorithm\":\"rsa\"}", "signingAlgorithm",
                "{\"webhookUrl\":", "malformed JSON");
        cases.forEach((body, detail) -> {
            HttpResponse<String> r = relay.requestJson("POST", base(agency) + "/register", body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(relay.json(r).get("error").asText()).isNotBlank();
            assertThat(r.body()).as(body).contains(detail);
        });
        HttpResponse<String> badName = relay.requestJson("POST", "/api/admin/management/webhooks/bad%20name/register",
                "{\"webhookUrl\":\"http://example.org\"}");
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(relay.queryValue("SELECT count(*) FROM agencies WHERE name = ?", agency)).isEqualTo(0L);
    }

    @Test
    void testSendsASignedWebhookTestThroughTheDeliveryPipeline() throws Exception {
        String agency = newAgency();
        String secret = register(agency, "").get("secret").asText();
        AgencyReceiver.Received got = sendTest(agency);
        assertThat(got.body()).contains("\"type\":\"webhook.test\"");
        assertThat(got.header("x-agency-key")).isEqualTo("k-" + agency);
        assertThat(got.header("x-relay-agency")).isEqualTo(agency);
        new Webhook(secret).verify(got.body(), signedHeaders(got));

        JsonNode logs = relay.json(relay.requestJson("GET", base(agency) + "/logs?limit=1", null));
        assertThat(logs.get("logs")).hasSize(1);
        assertThat(logs.get("logs").get(0).get("outcome").asText()).isEqualTo("delivered");
        assertThat(logs.get("logs").get(0).get("eventType").asText()).isEqualTo("webhook.test");
        JsonNode config = relay.json(relay.requestJson("GET", base(agency) + "/config", null));
        assertThat(config.get("successRate").asDouble()).isEqualTo(1.0);

        assertThat(relay.requestJson("GET", base(agency) + "/logs?limit=0", null).statusCode()).isEqualTo(400);
        assertThat(relay.requestJson("GET", base(agency) + "/logs?limit=abc", null).statusCode()).isEqualTo(400);
        assertThat(relay.requestJson("GET", base("NO-SUCH-AGENCY") + "/logs", null).statusCode()).isEqualTo(404);
        assertThat(relay.requestJson("POST", base("NO-SUCH-AGENCY") + "/test", null).statusCode()).isEqualTo(404);
    }

    @Test
    void toggleSwitchesTheWebhookOffAndOnAndIsAudited() {
        String agency = newAgency();
        register(agency, "");
        HttpResponse<String> off = relay.requestJson("PATCH", base(agency) + "/toggle", null);
        assertThat(off.statusCode()).isEqualTo(200);
        assertThat(relay.json(off).get("active").asBoolean()).isFalse();
        HttpResponse<String> test = relay.requestJson("POST", base(agency) + "/test", null);
        assertThat(test.statusCode()).isEqualTo(409);
        assertThat(relay.json(test).get("details").get(0).asText()).contains("inactive");
        assertThat(relay.json(relay.requestJson("PATCH", base(agency) + "/toggle", null)).get("active").asBoolean()).isTrue();

        JsonNode toggle = AuditLogTest.auditEntries(relay, base(agency) + "/toggle").get(0);
        assertThat(toggle.get("action").asText()).isEqualTo("admin-webhook-toggle");
        assertThat(toggle.get("before").get("active").asBoolean()).isFalse();
        assertThat(toggle.get("after").get("active").asBoolean()).isTrue();
    }

    @Test
    void afterRotationBothSecretsVerifyDuringTheGraceThenOnlyTheNewOne() throws Exception {
        String agency = newAgency();
        String oldSecret = register(agency, "").get("secret").asText();
        HttpResponse<String> rotated = relay.requestJson("POST", base(agency) + "/rotate-secret", "{\"gracePeriod\":\"PT1H\"}");
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        String newSecret = relay.json(rotated).get("secret").asText();
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
        assertThat(relay.json(rotated).get("previousSecretValidUntil").asText()).isNotBlank();
        assertThat(relay.requestJson("GET", base(agency) + "/config", null).body()).doesNotContain(newSecret)
                .doesNotContain(oldSecret);

        AgencyReceiver.Received during = sendTest(agency);
        assertThat(during.header("webhook-signature").split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        new Webhook(newSecret).verify(during.body(), signedHeaders(during));
        new Webhook(oldSecret).verify(during.body(), signedHeaders(during));

        // the grace period ends
        relay.update("UPDATE agencies SET previous_secret_until = now() - interval '1 second' WHERE name = ?", agency);
        AgencyReceiver.Received after = sendTest(agency);
        assertThat(after.header("webhook-signature").split(" ")).hasSize(1);
        new Webhook(newSecret).verify(after.body(), signedHeaders(after));
        assertThatThrownBy(() -> new Webhook(oldSecret).verify(after.body(), signedHeaders(after)))
                .isInstanceOf(WebhookVerificationException.class);

        JsonNode rotation = AuditLogTest.auditEntries(relay, base(agency) + "/rotate-secret").get(0);
        assertThat(rotation.get("action").asText()).isEqualTo("admin-webhook-rotate-secret");
        assertThat(rotation.get("after").get("previousSecretValidUntil").asText()).isNotBlank();
        assertThat(rotation.toString()).doesNotContain(newSecret).doesNotContain(oldSecret);

        assertThat(relay.requestJson("POST", base(agency) + "/rotate-secret", "{\"gracePeriod\":\"P30D\"}").statusCode())
                .isEqualTo(400);
        assertThat(relay.requestJson("POST", base("NO-SUCH-AGENCY") + "/rotate-secret", null).statusCode()).isEqualTo(404);
    }

    @Test
    void ed25519SignatureVerifiesWithTheJdkAgainstTheServedPublicKey() throws Exception {
        String agency = newAgency();
        JsonNode registered = register(agency, ",\"signingAlgorithm\":\"ed25519\"");
        assertThat(registered.has("secret")).isFalse();
        assertThat(registered.get("publicKey").asText()).startsWith("whpk_");

        HttpResponse<String> key = relay.requestJson("GET", base(agency) + "/public-key", null);
        assertThat(key.statusCode()).isEqualTo(200);
        PublicKey publicKey = KeyFactory.getInstance("Ed25519").generatePublic(
                new X509EncodedKeySpec(Base64.getDecoder().decode(relay.json(key).get("publicKeyX509").asText())));

        AgencyReceiver.Received got = sendTest(agency);
        String header = got.header("webhook-signature");
        assertThat(header).startsWith("v1a,").doesNotContain(" ");
        assertThat(verifyEd25519(publicKey, got, header.substring(4))).isTrue();
        // a tampered body does not verify
        assertThat(verifyEd25519(publicKey, new AgencyReceiver.Received(got.headers(), got.body() + " ", 0),
                header.substring(4))).isFalse();

        // the built-in demo receiver verifies Ed25519 agencies too
        String demoAgency = newAgency();
        assertThat(relay.requestJson("POST", base(demoAgency) + "/register", "{\"webhookUrl\":\"" + relay.baseUrl()
                + "/demo/agencies/" + demoAgency + "\",\"signingAlgorithm\":\"ed25519\"}").statusCode()).isEqualTo(201);
        HttpResponse<String> demoTest = relay.requestJson("POST", base(demoAgency) + "/test", null);
        assertThat(relay.json(demoTest).get("delivered").asBoolean()).as(demoTest.body()).isTrue();
        // re-registering without naming an algorithm keeps Ed25519
        HttpResponse<String> again = relay.requestJson("POST", base(demoAgency) + "/register", "{\"webhookUrl\":\""
                + relay.baseUrl() + "/demo/agencies/" + demoAgency + "\"}");
        assertThat(relay.json(again).get("signingAlgorithm").asText()).isEqualTo("ed25519");
        assertThat(relay.json(again).has("secret")).isFalse();

        String hmacAgency = newAgency();
        register(hmacAgency, "");
        assertThat(relay.requestJson("GET", base(hmacAgency) + "/public-key", null).statusCode()).isEqualTo(409);
    }

    @Test
    void switchingToEd25519KeepsTheHmacSignatureDuringTheGrace() throws Exception {
        String agency = newAgency();
        String hmacSecret = register(agency, "").get("secret").asText();
        HttpResponse<String> changed = relay.requestJson("PATCH", base(agency) + "/signing",
                "{\"signingAlgorithm\":\"ed25519\",\"gracePeriod\":\"PT10M\"}");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        PublicKey publicKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
                Base64.getDecoder().decode(relay.json(changed).get("publicKeyX509").asText())));

        AgencyReceiver.Received got = sendTest(agency);
        List<String> signatures = new ArrayList<>(List.of(got.header("webhook-signature").split(" ")));
        assertThat(signatures).hasSize(2);
        String v1a = signatures.stream().filter(s -> s.startsWith("v1a,")).findFirst().orElseThrow();
        assertThat(verifyEd25519(publicKey, got, v1a.substring(4))).isTrue();
        new Webhook(hmacSecret).verify(got.body(), signedHeaders(got));

        assertThat(relay.requestJson("PATCH", base(agency) + "/signing", "{}").statusCode()).isEqualTo(400);
    }

    private static boolean verifyEd25519(PublicKey key, AgencyReceiver.Received got, String base64) throws Exception {
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(key);
        verifier.update((got.header("webhook-id") + "." + got.header("webhook-timestamp") + "." + got.body())
                .getBytes(StandardCharsets.UTF_8));
        return verifier.verify(Base64.getDecoder().decode(base64));
    }
}
