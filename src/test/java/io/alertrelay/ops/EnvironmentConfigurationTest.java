package io.alertrelay.ops;

import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.TestDatabase;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Twelve-factor configuration, proven on the relay as its own process: any property can be set in the
 * environment under its rule name (not only the SPEC §11 ones), and a RELAY_CONFIG_FILE holding one key
 * is enough (the bundled defaults fill in the rest).
 */
class EnvironmentConfigurationTest {

    private static final String TOKEN = AdminToken.mint(RelayProcess.JWT_SECRET);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Test
    void aPropertyOutsideTheContractSetInTheEnvironmentReachesTheBeanThatReadsIt() throws Exception {
        String db = TestDatabase.newDatabase();
        try (AgencyReceiver agencies = new AgencyReceiver();
             RelayProcess relay = RelayProcess.start(db, agencies.url(""), Map.of(),
                     Map.of("RELAY_HTTP_CLIENT_RATE_LIMIT_PER_MINUTE", "3")).awaitReady(Duration.ofSeconds(90))) {
            // the bundled default is 100 a minute: the fourth inbound webhook from one address is refused only
            // when the bean (security.ClientRateLimiter) was built from the environment's value
            assertThat(inboundWebhookStatuses(relay.baseUrl(), 4)).containsExactly(false, false, false, true);
        }
    }

    @Test
    void aConfigFileWithOneKeyStartsOnTheBundledDefaultsAndAppliesItsKey() throws Exception {
        String db = TestDatabase.newDatabase();
        Path file = TestRelay.tempDir().resolve("relay.properties");
        Files.writeString(file, "relay.http.client-rate-limit.per-minute = 2\n");
        try (AgencyReceiver agencies = new AgencyReceiver();
             RelayProcess relay = RelayProcess.start(db, agencies.url(""), Map.of(),
                     Map.of("RELAY_CONFIG_FILE", file.toString())).awaitReady(Duration.ofSeconds(90))) {
            assertThat(inboundWebhookStatuses(relay.baseUrl(), 3)).containsExactly(false, false, true);
        }
    }

    @Test
    void aSystemPropertyWinsOverTheEnvironmentAndTheEnvironmentOverTheConfigFile() throws Exception {
        String db = TestDatabase.newDatabase();
        Path file = TestRelay.tempDir().resolve("relay.properties");
        Files.writeString(file, "relay.http.client-rate-limit.per-minute = 1\nrelay.delivery.workers = 4\n");
        // relay.routing.default-agencies is read by a route placeholder (agency-routing), not by a bean
        try (AgencyReceiver agencies = new AgencyReceiver();
             RelayProcess envOverFile = RelayProcess.start(db, agencies.url(""), Map.of(),
                     Map.of("RELAY_CONFIG_FILE", file.toString(), "RELAY_HTTP_CLIENT_RATE_LIMIT_PER_MINUTE", "2",
                             "RELAY_ROUTING_DEFAULT_AGENCIES", "FIRS"))
                     .awaitReady(Duration.ofSeconds(90))) {
            assertThat(inboundWebhookStatuses(envOverFile.baseUrl(), 3)).containsExactly(false, false, true);
            assertThat(agenciesOfAFlag(envOverFile.baseUrl(), "DEMO-OTHER-0001")).isEqualTo("[\"FIRS\"]");
        }
        try (AgencyReceiver agencies = new AgencyReceiver();
             RelayProcess sysOverEnv = RelayProcess.start(db, agencies.url(""),
                     Map.of("relay.http.client-rate-limit.per-minute", "3", "relay.routing.default-agencies", "NAFDAC"),
                     Map.of("RELAY_CONFIG_FILE", file.toString(), "RELAY_HTTP_CLIENT_RATE_LIMIT_PER_MINUTE", "2",
                             "RELAY_ROUTING_DEFAULT_AGENCIES", "FIRS"))
                     .awaitReady(Duration.ofSeconds(90))) {
            assertThat(inboundWebhookStatuses(sysOverEnv.baseUrl(), 4)).containsExactly(false, false, false, true);
            // Camel's own environment lookup must not put the environment above -D in a route
            assertThat(agenciesOfAFlag(sysOverEnv.baseUrl(), "DEMO-OTHER-0002")).isEqualTo("[\"NAFDAC\"]");
        }
    }

    /** Flags a demo code of category "other" (no routing rule names it) and returns the answer's agencies. */
    private String agenciesOfAFlag(String baseUrl, String code) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/codes/" + code + "/flag"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"counterfeit\",\"severity\":\"high\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).get("agencies").toString();
    }

    /** POSTs {@code n} inbound webhooks from this address; true where the answer was 429. */
    private Boolean[] inboundWebhookStatuses(String baseUrl, int n) throws IOException, InterruptedException {
        Boolean[] limited = new Boolean[n];
        String partner = "no-such-partner-" + UUID.randomUUID();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(baseUrl + "/webhooks/" + partner))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            limited[i] = r.statusCode() == 429;
        }
        return limited;
    }
}
