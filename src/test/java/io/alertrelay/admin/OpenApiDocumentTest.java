package io.alertrelay.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.support.TestRelay;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** /api/openapi.json is public, parses, and documents every SPEC path and every HTTP route of every route file. */
class OpenApiDocumentTest {

    static String shape(String path) {
        return path.replaceAll("\\{[^}]+}", "{}");
    }

    @Test
    void theDocumentCoversTheWholeHttpApi() {
        TestRelay relay = TestRelay.shared();
        HttpResponse<String> r = relay.request("GET", "/api/openapi.json", null, null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("application/json");
        JsonNode doc = relay.json(r);
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        Set<String> documented = new HashSet<>();
        doc.get("paths").fieldNames().forEachRemaining(p -> documented.add(shape(p)));

        List<String> spec = List.of("/api/codes/{}/flag", "/api/codes/{}/unflag", "/api/flags/{}", "/api/events",
                "/webhooks/{}", "/api/admin/subscriptions", "/api/admin/analytics/category-distribution",
                "/api/admin/analytics/category-history", "/api/admin/analytics/manufacturers",
                "/api/admin/analytics/agencies", "/api/admin/analytics/agencies/{}", "/api/admin/reports",
                "/api/admin/jobs", "/observe/health", "/observe/metrics", "/api/openapi.json", "/dashboard");
        assertThat(documented).containsAll(spec);

        for (Route route : relay.app().camel().getRoutes()) {
            String uri = route.getEndpoint().getEndpointUri();
            String source = route.getSourceResource() == null ? "" : route.getSourceResource().getLocation();
            if (source.contains("routes/") && uri.startsWith("platform-http:")) {
                String path = java.net.URLDecoder.decode(uri.substring("platform-http:".length()), java.nio.charset.StandardCharsets.UTF_8)
                        .replaceAll("^/+", "/").replaceAll("\\?.*", "");
                assertThat(documented).as(route.getRouteId()).contains(shape(path));
            }
        }
        // every operation names its responses and says who may call it
        doc.get("paths").forEach(item -> item.forEach(op -> {
            assertThat(op.has("responses")).isTrue();
            assertThat(op.has("security")).isTrue();
        }));
    }
}
