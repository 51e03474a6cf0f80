package io.alertrelay.security;

import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every admin endpoint refuses a missing, garbage, forged, expired or wrong-role token and admits an admin. */
class AuthMatrixTest {

    /** One admin endpoint; the body is invalid or the agency unknown, so an admitted request changes nothing. */
    record Endpoint(String method, String path, String body) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static Stream<Endpoint> adminEndpoints() {
        String agency = "/api/admin/management/webhooks/NO-SUCH-AGENCY";
        return Stream.of(
                new Endpoint("GET", "/api/admin/audit", null),
                new Endpoint("GET", "/api/admin/management/rate-limits", null),
                new Endpoint("GET", "/api/admin/management/rate-limits/NO-SUCH-AGENCY", null),
                new Endpoint("PUT", "/api/admin/management/rate-limits/NO-SUCH-AGENCY", "{}"),
                new Endpoint("GET", agency + "/config", null),
                new Endpoint("POST", agency + "/register", "{}"),
                new Endpoint("GET", agency + "/logs", null),
                new Endpoint("PATCH", agency + "/toggle", null),
                new Endpoint("POST", agency + "/test", null),
                new Endpoint("POST", agency + "/rotate-secret", null),
                new Endpoint("PATCH", agency + "/signing", "{}"),
                new Endpoint("GET", agency + "/public-key", null),
                new Endpoint("GET", "/api/admin/deliveries?status=nonsense", null),
                new Endpoint("POST", "/api/admin/deliveries/not-a-uuid/retry", null),
                new Endpoint("POST", "/api/admin/deliveries/retry", null),
                new Endpoint("POST", "/api/admin/catalogue/import", "[]"),
                // other stages' admin paths are guarded by the same rule, route or not
                new Endpoint("GET", "/api/admin/analytics/category-distribution", null),
                new Endpoint("GET", "/api/admin/subscriptions", null));
    }

    static TestRelay relay;
    static String forged;

    @BeforeAll
    static void start() {
        relay = TestRelay.shared();
        forged = new BearerTokens(Optional.of("another-secret-that-is-also-32-bytes-or-more"), Optional.empty())
                .mint("mallory", List.of(Principal.SUPER_ADMIN), Duration.ofHours(1));
    }

    private HttpResponse<String> call(Endpoint e, String token) {
        return relay.request(e.method(), e.path(), token, e.body() == null ? null : "application/json", e.body());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adminEndpoints")
    void adminEndpointRefusesEveryoneButSuperAdmin(Endpoint e) {
        assertUnauthorized(call(e, null), false);
        assertUnauthorized(call(e, "not.a.jwt"), true);
        assertUnauthorized(call(e, forged), true);
        assertUnauthorized(call(e, relay.expiredToken("old-admin", Principal.SUPER_ADMIN)), true);

        HttpResponse<String> wrongRole = call(e, relay.token("reporter-1", Principal.REPORTER, Principal.MANUFACTURER,
                Principal.PARTNER));
        assertThat(wrongRole.statusCode()).as(wrongRole.body()).isEqualTo(403);
        assertThat(relay.json(wrongRole).get("error").asText()).isEqualTo("forbidden");
        assertThat(relay.json(wrongRole).get("details").get(0).asText()).contains("SUPER_ADMIN");

        HttpResponse<String> admin = call(e, relay.adminToken());
        assertThat(admin.statusCode()).as(admin.body()).isNotIn(401, 403, 500);
    }

    private static void assertUnauthorized(HttpResponse<String> r, boolean tokenSent) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer");
        if (tokenSent) {
            assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
        }
        assertThat(relay.json(r).get("error").asText()).isEqualTo("unauthorized");
        assertThat(relay.json(r).get("details").isArray()).isTrue();
    }

    @Test
    void expiredTokenIsToldApartFromAForgedOne() {
        HttpResponse<String> expired = relay.request("GET", "/api/admin/audit",
                relay.expiredToken("old-admin", Principal.SUPER_ADMIN), null, null);
        HttpResponse<String> forgedReply = relay.request("GET", "/api/admin/audit", forged, null, null);
        assertThat(relay.json(expired).get("details").get(0).asText()).contains("expired");
        assertThat(relay.json(forgedReply).get("details").get(0).asText()).contains("signature");
    }

    @Test
    void flaggingNeedsAReporterManufacturerOrAdminToken() {
        String path = "/api/codes/NO-SUCH-CODE-XYZ/flag";
        String body = "{\"reason\":\"counterfeit\",\"severity\":\"high\"}";
        assertThat(relay.request("POST", path, null, "application/json", body).statusCode()).isEqualTo(401);
        assertThat(relay.request("POST", path, relay.token("p", Principal.PARTNER), "application/json", body).statusCode())
                .isEqualTo(403);
        for (String role : List.of(Principal.REPORTER, Principal.MANUFACTURER, Principal.SUPER_ADMIN)) {
            // admitted: the unknown code is the route's 404, not the gate's 401/403
            assertThat(relay.request("POST", path, relay.token("r", role), "application/json", body).statusCode())
                    .as(role).isEqualTo(404);
        }
        assertThat(relay.request("POST", "/api/codes/NO-SUCH-CODE-XYZ/unflag", null, "application/json", "{}").statusCode())
                .isEqualTo(401);
    }

    @Test
    void flagStatusNeedsAnyValidTokenAndEventsNeedAPartner() {
        String flag = "/api/flags/00000000-0000-0000-0000-000000000000";
        assertThat(relay.request("GET", flag, null, null, null).statusCode()).isEqualTo(401);
        assertThat(relay.request("GET", flag, relay.token("anyone", "VIEWER"), null, null).statusCode()).isEqualTo(404);

        String event = "{\"event_id\":\"e1\",\"type\":\"t\",\"payload\":{}}";
        assertThat(relay.request("POST", "/api/events", null, "application/json", event).statusCode()).isEqualTo(401);
        assertThat(relay.request("POST", "/api/events", relay.token("r", Principal.REPORTER), "application/json", event)
                .statusCode()).isEqualTo(403);
        assertThat(relay.request("POST", "/api/events", relay.token("p", Principal.PARTNER), "application/json", event)
                .statusCode()).isNotIn(401, 403);
    }

    @Test
    void publicPathsNeedNoToken() {
        assertThat(relay.request("GET", "/api/openapi.json", null, null, null).statusCode()).isEqualTo(200);
        assertThat(relay.request("GET", "/demo/agencies/NAFDAC", null, null, null).statusCode()).isEqualTo(200);
        assertNotRefusedByTheGate(relay.request("GET", "/observe/health", null, null, null));
        // inbound partner webhooks authenticate by signature (their route may answer 401 itself, never the gate)
        assertNotRefusedByTheGate(relay.request("POST", "/webhooks/some-partner", null, "application/json", "{}"));
    }

    private static void assertNotRefusedByTheGate(HttpResponse<String> r) {
        assertThat(r.statusCode()).isNotEqualTo(403);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).doesNotStartWith("Bearer");
    }

    @Test
    void aPathTrickDoesNotSlipPastTheGate() {
        for (String path : List.of("//api/admin/audit", "/api/./admin/audit", "/api/flags/../admin/audit",
                "/demo/../api/admin/audit", "/api/admin/%61udit")) {
            HttpResponse<String> r = relay.request("GET", path, null, null, null);
            assertThat(r.statusCode()).as(path).isIn(401, 404);
            assertThat(r.body()).as(path).doesNotContain("\"entries\"");
        }
    }
}
