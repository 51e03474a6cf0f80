package io.alertrelay.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The layers of the relay's settings and the one environment-name rule, without starting a relay. */
class RelaySettingsTest {

    @Test
    void everyPropertyHasTheRuleNameCamelLooksUp() {
        assertThat(RelaySettings.environmentName("relay.delivery.timeout-ms")).isEqualTo("RELAY_DELIVERY_TIMEOUT_MS");
        assertThat(RelaySettings.environmentName("relay.delivery.pace.requests-per-period"))
                .isEqualTo("RELAY_DELIVERY_PACE_REQUESTS_PER_PERIOD");
        assertThat(RelaySettings.environmentName("camel.component.http.maxTotalConnections"))
                .isEqualTo("CAMEL_COMPONENT_HTTP_MAX_TOTAL_CONNECTIONS");
        // the same names Camel's properties component tries for a placeholder
        assertThat(RelaySettings.environmentNames("relay.delivery.timeout-ms"))
                .contains(org.apache.camel.util.IOHelper.normalizeEnvironmentVariable("relay.delivery.timeout-ms"));
        assertThat(RelaySettings.environmentNames("relay.auth.jwt-secret")).startsWith("RELAY_JWT_SECRET")
                .contains("RELAY_AUTH_JWT_SECRET");
    }

    @Test
    void noTwoBundledPropertiesShareAnEnvironmentName() throws Exception {
        Properties bundled = new Properties();
        try (var in = RelaySettings.class.getResourceAsStream("/" + RelaySettings.BUNDLED_DEFAULTS)) {
            bundled.load(in);
        }
        java.util.Map<String, String> byName = new java.util.HashMap<>();
        for (String key : bundled.stringPropertyNames()) {
            String other = byName.put(RelaySettings.environmentName(key), key);
            assertThat(other).as(key + " and " + other + " would be set by one variable").isNull();
        }
        assertThat(byName).hasSizeGreaterThan(100);
        // an alias names the property it always named
        RelaySettings.ENVIRONMENT_CONTRACT.forEach((env, key) -> assertThat(byName.getOrDefault(env, key)).isEqualTo(key));
    }

    @Test
    void precedenceIsSystemPropertyThenEnvironmentThenConfigFileThenBundledDefaults(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("relay.properties");
        Files.writeString(file, "relay.delivery.workers = 4\nrelay.delivery.max-attempts = 7\nrelay.delivery.timeout-ms = 1000\n");
        Properties system = new Properties();
        system.setProperty("relay.delivery.timeout-ms", "3000");
        system.setProperty("java.home", "/not/a/relay/key");
        RelaySettings settings = RelaySettings.load(Map.of(
                "RELAY_CONFIG_FILE", file.toString(),
                "RELAY_DELIVERY_TIMEOUT_MS", "2000",
                "RELAY_DELIVERY_MAX_ATTEMPTS", "9",
                "RELAY_DELIVERY_RETRY_JITTER", " "), system, Map.of());

        assertThat(settings.getInt("relay.delivery.timeout-ms", 0)).as("-D over env over file").isEqualTo(3000);
        assertThat(settings.getInt("relay.delivery.max-attempts", 0)).as("env over file").isEqualTo(9);
        assertThat(settings.getInt("relay.delivery.workers", 0)).as("file over bundled").isEqualTo(4);
        assertThat(settings.get("relay.delivery.retry-jitter", "")).as("blank env is unset; bundled default").isEqualTo("0.2");
        assertThat(settings.get("relay.delivery.retry-schedule", "")).as("bundled default")
                .isEqualTo("PT1M,PT5M,PT30M,PT2H,PT5H,PT10H");
        // Camel gets the same resolved values (routes and components read placeholders from them)
        Properties camel = settings.relayProperties();
        assertThat(camel.getProperty("relay.delivery.timeout-ms")).isEqualTo("3000");
        assertThat(camel.getProperty("relay.delivery.max-attempts")).isEqualTo("9");
        assertThat(camel.getProperty("relay.delivery.workers")).isEqualTo("4");
        assertThat(camel.getProperty("relay.delivery.pace.period-ms")).isEqualTo("1000");
        assertThat(camel).doesNotContainKey("java.home");
        assertThat(settings.placeholderLocations()).startsWith("classpath:application.properties,file:")
                .endsWith(file.toAbsolutePath().toString());
    }

    @Test
    void theContractNamesStayAliasesAndWinOverTheRuleName() throws Exception {
        RelaySettings settings = RelaySettings.load(Map.of(
                "RELAY_JWT_SECRET", "from-the-contract-name-at-least-32-bytes",
                "RELAY_AUTH_JWT_SECRET", "from-the-rule-name-at-least-32-bytes-long",
                "RELAY_ALLOW_PRIVATE_TARGETS", "true",
                "RELAY_DB_URL", "jdbc:postgresql://db:5432/relay",
                "RELAY_DATA_DIR", "/var/lib/alert-relay"), new Properties(), Map.of());
        assertThat(settings.find("relay.auth.jwt-secret")).hasValue("from-the-contract-name-at-least-32-bytes");
        assertThat(settings.getBoolean("relay.delivery.allow-private-targets", false)).isTrue();
        assertThat(settings.embeddedDatabase()).isFalse();
        assertThat(settings.dataDir()).isEqualTo(Path.of("/var/lib/alert-relay"));
        assertThat(settings.relayProperties().getProperty("relay.db.url")).isEqualTo("jdbc:postgresql://db:5432/relay");
        assertThat(settings.relayProperties().getProperty("relay.auth.jwt-secret"))
                .isEqualTo("from-the-contract-name-at-least-32-bytes");
    }

    @Test
    void aCamelPropertyIsSetFromItsSplitCamelCaseName() throws Exception {
        RelaySettings settings = RelaySettings.load(Map.of("CAMEL_COMPONENT_HTTP_MAX_TOTAL_CONNECTIONS", "99"),
                new Properties(), Map.of());
        assertThat(settings.getInt("camel.component.http.maxTotalConnections", 0)).isEqualTo(99);
        assertThat(settings.relayProperties().getProperty("camel.component.http.maxTotalConnections")).isEqualTo("99");
    }

    @Test
    void aDerivedValueWinsAndAMissingConfigFileIsAnError(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        RelaySettings settings = RelaySettings.load(Map.of("RELAY_DB_URL", "jdbc:postgresql://x/y"), new Properties(), Map.of());
        settings.set("relay.db.url", "jdbc:postgresql://derived/z");
        assertThat(settings.find("relay.db.url")).hasValue("jdbc:postgresql://derived/z");
        assertThatThrownBy(() -> RelaySettings.load(Map.of("RELAY_CONFIG_FILE", dir.resolve("missing.properties").toString()),
                new Properties(), Map.of())).hasMessageContaining("RELAY_CONFIG_FILE").hasMessageContaining("missing.properties");
    }
}
