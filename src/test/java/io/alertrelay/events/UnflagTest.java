package io.alertrelay.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.AgencyReceiver.Reply;
import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestAgencies.Agency;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/** Unflag clears the code and sends code.unflagged, with each agency's case number, to exactly the agencies told. */
class UnflagTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private final TestRelay relay = TestRelay.shared();
    private final AgencyReceiver told = new AgencyReceiver();
    private final AgencyReceiver refused = new AgencyReceiver();
    private final AgencyReceiver uninvolved = new AgencyReceiver();
    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stopReceivers() {
        told.close();
        refused.close();
        uninvolved.close();
    }

    @Test
    void unflagReachesExactlyTheAgenciesThatWereToldWithTheirCaseNumber() throws Exception {
        Agency a = TestAgencies.create(relay, told.url("/told"));
        // this agency refuses the flag for good (400): it was never told, so it gets no unflag either
        Agency b = TestAgencies.create(relay, refused.url("/refused"));
        refused.byDefault(Reply.status(400));
        Agency c = TestAgencies.create(relay, uninvolved.url("/uninvolved"));
        try (TestRelay routed = TestRelay.startBeside(relay,
                Map.of("relay.routing.default-agencies", a.name() + "," + b.name()))) {
            String code = Catalogue.newCode(routed, "other");
            HttpResponse<String> flagged = routed.postJson("/api/codes/" + code + "/flag",
                    "{\"reason\":\"counterfeit\",\"severity\":\"high\"}");
            assertThat(flagged.statusCode()).isEqualTo(202);
            String flagId = routed.json(flagged).get("flagId").asText();
            await().atMost(WAIT).until(() -> "delivered".equals(deliveryStatus(flagId, a))
                    && "failed".equals(deliveryStatus(flagId, b)));
            String caseNumber = (String) relay.queryValue(
                    "SELECT case_number FROM deliveries WHERE flag_id = ?::uuid AND agency_id = ?", flagId, a.id());
            assertThat(caseNumber).startsWith("CASE-");

            HttpResponse<String> unflagged = routed.postJson("/api/codes/" + code + "/unflag",
                    "{\"reason\":\"lab test showed the product is genuine\"}");
            assertThat(unflagged.statusCode()).as(unflagged.body()).isEqualTo(202);
            assertThat(routed.json(unflagged).get("agencies").toString()).isEqualTo("[\"" + a.name() + "\"]");
            assertThat(relay.queryValue("SELECT is_flagged FROM product_codes WHERE code = ?", code)).isEqualTo(false);

            await().atMost(WAIT).until(() -> told.received().size() == 2);
            AgencyReceiver.Received got = told.received().get(1);
            JsonNode body = json.readTree(got.body());
            assertThat(body.get("type").asText()).isEqualTo("code.unflagged");
            assertThat(body.get("data").get("code").asText()).isEqualTo(code);
            assertThat(body.get("data").get("flagId").asText()).isEqualTo(flagId);
            assertThat(body.get("data").get("caseNumber").asText()).isEqualTo(caseNumber);
            assertThat(body.get("data").get("reason").asText()).isEqualTo("lab test showed the product is genuine");
            Map<String, List<String>> headers = got.signedHeaders();
            assertThatCode(() -> new Webhook(a.secret()).verify(got.body(), headers)).doesNotThrowAnyException();

            // the unflag shows with the flag's deliveries; nothing went to the refusing or uninvolved agency
            await().atMost(WAIT).untilAsserted(() -> assertThat(
                    routed.json(routed.get("/api/flags/" + flagId)).get("deliveries").findValuesAsText("eventType"))
                    .containsExactlyInAnyOrder("code.flagged", "code.flagged", "code.unflagged"));
            assertThat(TestAgencies.count(relay, "SELECT count(*) FROM deliveries WHERE event_type = 'code.unflagged' "
                    + "AND agency_id IN (?, ?)", b.id(), c.id())).isZero();
            assertThat(refused.received()).hasSize(1);
            assertThat(uninvolved.received()).isEmpty();

            // a second unflag finds nothing to clear
            HttpResponse<String> again = routed.postJson("/api/codes/" + code + "/unflag", "{\"reason\":\"again\"}");
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(routed.json(again).get("error").asText()).isEqualTo("code is not flagged");
        }
    }

    @Test
    void flagDeliveriesNotYetSentAreCancelledByTheUnflag() {
        // an agency with no room in its quota: its code.flagged delivery waits as throttled
        Agency waiting = TestAgencies.create(relay, told.url("/waiting"), 0, 0);
        try (TestRelay routed = TestRelay.startBeside(relay, Map.of("relay.routing.default-agencies", waiting.name()))) {
            String code = Catalogue.newCode(routed, "other");
            String flagId = routed.json(routed.postJson("/api/codes/" + code + "/flag",
                    "{\"reason\":\"suspicious\",\"severity\":\"low\"}")).get("flagId").asText();
            await().atMost(WAIT).until(() -> "throttled".equals(deliveryStatus(flagId, waiting)));

            HttpResponse<String> unflagged = routed.postJson("/api/codes/" + code + "/unflag", "{\"reason\":\"mistake\"}");
            assertThat(unflagged.statusCode()).isEqualTo(202);
            assertThat(routed.json(unflagged).get("agencies")).isEmpty();
            assertThat(routed.json(unflagged).get("cancelledFlagDeliveries").asInt()).isEqualTo(1);
            assertThat(deliveryStatus(flagId, waiting)).isEqualTo("cancelled");
            assertThat(told.received()).isEmpty();
        }
    }

    @Test
    void unknownCodeAndBadBodyAreJsonErrors() {
        HttpResponse<String> unknown = relay.postJson("/api/codes/NO-SUCH-CODE-XYZ/unflag", "{\"reason\":\"x\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(relay.json(unknown).get("error").asText()).isEqualTo("unknown product code");
        String code = Catalogue.newCode(relay, "food");
        HttpResponse<String> notFlagged = relay.postJson("/api/codes/" + code + "/unflag", "{\"reason\":\"x\"}");
        assertThat(notFlagged.statusCode()).isEqualTo(409);
        HttpResponse<String> noReason = relay.postJson("/api/codes/" + code + "/unflag", "{}");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(relay.json(noReason).get("details").toString()).contains("reason");
    }

    private String deliveryStatus(String flagId, Agency agency) {
        return (String) relay.queryValue("SELECT status FROM deliveries WHERE flag_id = ?::uuid AND agency_id = ? "
                + "AND event_type = 'code.flagged'", flagId, agency.id());
    }
}
