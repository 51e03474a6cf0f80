package io.alertrelay.routing;

import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Ops change the category → agency mapping by editing the route file; reload applies it live. */
class AgencyRoutingReloadTest {

    @Test
    void editedRoutingFileTakesEffectWithoutRestart() throws Exception {
        Path routes = TestRelay.copyOfRoutes();
        try (TestRelay relay = TestRelay.start(Map.of("relay.routes-dir", routes.toString(), "relay.routes.reload", "true"))) {
            String code = Catalogue.newCode(relay, "food");
            String body = "{\"reason\":\"counterfeit\",\"severity\":\"high\"}";
            assertThat(relay.json(relay.postJson("/api/codes/" + code + "/flag", body)).get("agencies").toString())
                    .isEqualTo("[\"FIRS\"]");

            Path routing = routes.resolve("agency-routing.camel.yaml");
            String edited = Files.readString(routing).replace("constant: FIRS", "constant: FIRS,NAFDAC");
            assertThat(edited).contains("FIRS,NAFDAC");
            Files.writeString(routing, edited);

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(relay.json(relay.postJson("/api/codes/" + code + "/flag", body)).get("agencies").toString())
                            .isEqualTo("[\"FIRS\",\"NAFDAC\"]"));
        }
    }
}
