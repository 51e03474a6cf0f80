package io.alertrelay.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Every kind of bad input gets the right status and {"error","details"} JSON; nothing is recorded. */
class BadInputTest {

    private final TestRelay relay = TestRelay.shared();
    private String code;

    @BeforeEach
    void newCode() {
        code = Catalogue.newCode(relay, "drugs");
    }

    private JsonNode expectError(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode body = relay.json(r);
        assertThat(body.get("error").isTextual()).isTrue();
        assertThat(body.get("details").isArray()).isTrue();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return body;
    }

    private void nothingRecorded() {
        assertThat(relay.queryValue("SELECT count(*) FROM flags f JOIN product_codes c ON c.id = f.code_id WHERE c.code = ?", code))
                .isEqualTo(0L);
        assertThat(relay.queryValue("SELECT is_flagged FROM product_codes WHERE code = ?", code)).isEqualTo(false);
    }

    @Test
    void malformedJsonIs400() {
        expectError(relay.postJson("/api/codes/" + code + "/flag", "{\"reason\": \"counterfeit\","), 400);
        nothingRecorded();
    }

    @Test
    void missingFieldIs400NamingTheField() {
        JsonNode body = expectError(relay.postJson("/api/codes/" + code + "/flag", "{\"reason\":\"counterfeit\"}"), 400);
        assertThat(body.get("details").toString()).contains("severity");
        nothingRecorded();
    }

    @Test
    void badEnumIs400NamingTheFieldAndTheAllowedValues() {
        JsonNode body = expectError(relay.postJson("/api/codes/" + code + "/flag",
                "{\"reason\":\"fake\",\"severity\":\"high\"}"), 400);
        assertThat(body.get("details").toString()).contains("reason").contains("counterfeit");
        nothingRecorded();
    }

    @Test
    void wrongTypeIs400() {
        JsonNode body = expectError(relay.postJson("/api/codes/" + code + "/flag",
                "{\"reason\":\"counterfeit\",\"severity\":3}"), 400);
        assertThat(body.get("details").toString()).contains("severity");
    }

    @Test
    void jsonThatIsNotAnObjectIs400() {
        expectError(relay.postJson("/api/codes/" + code + "/flag", "[1,2,3]"), 400);
        expectError(relay.postJson("/api/codes/" + code + "/flag", ""), 400);
        nothingRecorded();
    }

    @Test
    void unknownCodeIs404() {
        JsonNode body = expectError(relay.postJson("/api/codes/NO-SUCH-CODE/flag",
                "{\"reason\":\"counterfeit\",\"severity\":\"high\"}"), 404);
        assertThat(body.get("details").toString()).contains("NO-SUCH-CODE");
    }

    @Test
    void bodyOverTheLimitIs413() {
        String huge = "{\"reason\":\"counterfeit\",\"severity\":\"high\",\"note\":\"" + "x".repeat(1_100_000) + "\"}";
        expectError(relay.postJson("/api/codes/" + code + "/flag", huge), 413);
        nothingRecorded();
    }

    @Test
    void wrongContentTypeIs415() {
        expectError(relay.post("/api/codes/" + code + "/flag", "text/plain", "{\"reason\":\"counterfeit\",\"severity\":\"high\"}"), 415);
        expectError(relay.post("/api/codes/" + code + "/flag", null, "{\"reason\":\"counterfeit\",\"severity\":\"high\"}"), 415);
        nothingRecorded();
    }

    @Test
    void wrongMethodAndUnknownPathAreJsonToo() {
        expectError(relay.get("/api/codes/" + code + "/flag"), 405);
        expectError(relay.get("/api/nothing-here"), 404);
        expectError(relay.get("/api/flags/not-a-uuid"), 404);
        expectError(relay.get("/api/flags/" + java.util.UUID.randomUUID()), 404);
    }

    @Test
    void anAcceptHeaderTheResourceCannotAnswerIs406Json() {
        JsonNode body = expectError(relay.send(HttpRequest.newBuilder(URI.create(relay.baseUrl() + "/observe/metrics"))
                .header("Accept", "text/html").GET().build()), 406);
        assertThat(body.get("details").get(0).asText()).contains("text/html").contains("/observe/metrics");
    }

    @Test
    void binaryGarbageIsRefusedWithoutA500() {
        HttpResponse<String> r = relay.send(HttpRequest.newBuilder(URI.create(relay.baseUrl() + "/api/codes/" + code + "/flag"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2}))
                .build());
        expectError(r, 400);
        nothingRecorded();
    }
}
