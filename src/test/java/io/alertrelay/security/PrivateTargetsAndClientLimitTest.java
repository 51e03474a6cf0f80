package io.alertrelay.security;

import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a relay configured as in production (private targets refused) with a small per-client limit:
 * the SSRF guard refuses internal webhook URLs, and a client over its limit gets 429 with Retry-After.
 */
class PrivateTargetsAndClientLimitTest {

    static TestRelay relay;

    @BeforeAll
    static void start() {
        relay = TestRelay.start(Map.of("relay.delivery.allow-private-targets", "false",
                "relay.http.client-rate-limit.per-minute", "5"));
    }

    @AfterAll
    static void stop() {
        relay.close();
    }

    @Test
    void webhookUrlsOnInternalNetworksAreRefusedUnlessAllowed() {
        for (String url : List.of("http://127.0.0.1:8080/hook", "http://10.1.2.3/hook", "http://169.254.169.254/latest",
                "http://localhost:9000/hook", "https://api.localhost/hook", "http://192.168.1.20/x", "http://172.16.0.5/x",
                "http://[::1]/x", "http://[fd00::1]/x", "http://0.0.0.0/x", "http://100.64.0.1/x")) {
            HttpResponse<String> r = relay.requestJson("POST", "/api/admin/management/webhooks/SSRF-AGENCY/register",
                    "{\"webhookUrl\":\"" + url + "\"}");
            assertThat(r.statusCode()).as(url).isEqualTo(400);
            assertThat(relay.json(r).get("error").asText()).as(url).isEqualTo("webhook URL refused");
            assertThat(relay.json(r).get("details").get(0).asText()).contains("allow-private-targets");
        }
        assertThat(relay.queryValue("SELECT count(*) FROM agencies WHERE name = 'SSRF-AGENCY'")).isEqualTo(0L);

        // a public address is fine (a literal, so the test needs no DNS)
        HttpResponse<String> ok = relay.requestJson("POST", "/api/admin/management/webhooks/PUBLIC-AGENCY/register",
                "{\"webhookUrl\":\"https://93.184.216.34/hook\"}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    }

    @Test
    void aClientOverItsLimitGets429WithRetryAfterWhileOthersGoOn() {
        String subject = "busy-" + UUID.randomUUID();
        String busy = relay.token(subject, "VIEWER");
        String path = "/api/flags/" + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            assertThat(relay.request("GET", path, busy, null, null).statusCode()).isEqualTo(404);
        }
        HttpResponse<String> limited = relay.request("GET", path, busy, null, null);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 60);
        assertThat(relay.json(limited).get("error").asText()).isEqualTo("too many requests");
        // the client is the token's subject: its flag requests share the budget
        assertThat(relay.request("POST", "/api/codes/DEMO-DRUG-0001/flag", relay.token(subject, Principal.REPORTER),
                "application/json", "{}").statusCode()).isEqualTo(429);

        String other = relay.token("calm-" + UUID.randomUUID(), "VIEWER");
        assertThat(relay.request("GET", path, other, null, null).statusCode()).isEqualTo(404);
        // admin endpoints are not limited
        for (int i = 0; i < 8; i++) {
            assertThat(relay.requestJson("GET", "/api/admin/audit?limit=1", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void inboundWebhooksAreLimitedPerAddress() {
        int limitedAfter = -1;
        for (int i = 0; i < 12 && limitedAfter < 0; i++) {
            HttpResponse<String> r = relay.request("POST", "/webhooks/partner-" + i, null, "application/json", "{}");
            if (r.statusCode() == 429) {
                limitedAfter = i;
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
            }
        }
        assertThat(limitedAfter).isBetween(0, 5);
    }
}
