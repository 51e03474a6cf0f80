package io.alertrelay.partners;

import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Ops change what partner webhooks become by editing routes/partner-intake.camel.yaml; reload applies it live. */
class PartnerIntakeReloadTest {

    @Test
    void editedPartnerRuleFileTakesEffectWithoutRestart() throws Exception {
        Path routes = TestRelay.copyOfRoutes();
        try (TestRelay relay = TestRelay.start(Map.of("relay.routes-dir", routes.toString(), "relay.routes.reload", "true"))) {
            PartnerWebhooksTest.Partner partner = PartnerWebhooksTest.register(relay);
            String body = "{\"type\":\"stock.low\",\"data\":{\"sku\":\"PARA-500\",\"left\":3}}";
            HttpResponse<String> before = PartnerWebhooksTest.send(relay, partner.name(), partner.secret(),
                    "msg_" + UUID.randomUUID(), Instant.now().getEpochSecond(), body);
            assertThat(relay.json(before).get("outcome").asText()).isEqualTo("ignored");

            Path rules = routes.resolve("partner-intake.camel.yaml");
            String edited = Files.readString(rules).replace(
                    "${exchangeProperty.inboundType} starts with 'recall.'\"",
                    "${exchangeProperty.inboundType} starts with 'recall.' || ${exchangeProperty.inboundType} starts with 'stock.'\"");
            assertThat(edited).contains("starts with 'stock.'");
            Files.writeString(rules, edited);

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                HttpResponse<String> after = PartnerWebhooksTest.send(relay, partner.name(), partner.secret(),
                        "msg_" + UUID.randomUUID(), Instant.now().getEpochSecond(), body);
                assertThat(relay.json(after).get("outcome").asText()).isEqualTo("event");
                assertThat(relay.json(after).get("result").get("type").asText()).isEqualTo("stock.low");
            });
        }
    }
}
