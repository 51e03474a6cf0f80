package io.alertrelay.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The relay's own settings, resolved once at start: application.properties, then the stable
 * environment variables of the configuration contract (SPEC §11), then JVM system properties,
 * then explicit overrides (tests).
 */
public final class RelaySettings {

    /** Environment variable → property, exactly as the configuration contract names them. */
    public static final Map<String, String> ENVIRONMENT_CONTRACT = contract();

    private final Properties properties;
    private final String configLocation;

    private RelaySettings(Properties properties, String configLocation) {
        this.properties = properties;
        this.configLocation = configLocation;
    }

    private static Map<String, String> contract() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("RELAY_HTTP_PORT", "relay.http.port");
        m.put("RELAY_DB_URL", "relay.db.url");
        m.put("RELAY_DB_USER", "relay.db.user");
        m.put("RELAY_DB_PASSWORD", "relay.db.password");
        m.put("RELAY_DATA_DIR", "relay.data-dir");
        m.put("RELAY_JWT_SECRET", "relay.auth.jwt-secret");
        m.put("RELAY_MASTER_KEY", "relay.secrets.master-key");
        m.put("RELAY_ALLOW_PRIVATE_TARGETS", "relay.delivery.allow-private-targets");
        m.put("RELAY_DEMO_DATA", "relay.demo-data");
        m.put("RELAY_ROUTES_DIR", "relay.routes-dir");
        m.put("RELAY_KAFKA_BROKERS", "relay.kafka.brokers");
        m.put("RELAY_JMS_BROKER_URL", "relay.jms.broker-url");
        m.put("RELAY_JMS_USERNAME", "relay.jms.username");
        m.put("RELAY_JMS_PASSWORD", "relay.jms.password");
        m.put("RELAY_LOG_FORMAT", "relay.log.format");
        m.put("RELAY_DEMO_RECEIVER_URL", "relay.demo.receiver-url");
        return Map.copyOf(m);
    }

    public static RelaySettings load(Map<String, String> environment, Properties system, Map<String, String> overrides)
            throws IOException {
        Properties merged = new Properties();
        String location;
        Path file = Path.of(first(overrides.get("relay.config-file"), system.getProperty("relay.config-file"),
                environment.get("RELAY_CONFIG_FILE"), "application.properties"));
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                merged.load(r);
            }
            location = "file:" + file.toAbsolutePath();
        } else {
            try (InputStream in = RelaySettings.class.getResourceAsStream("/application.properties")) {
                if (in != null) {
                    merged.load(in);
                }
            }
            location = "classpath:application.properties";
        }
        ENVIRONMENT_CONTRACT.forEach((env, key) -> {
            String value = environment.get(env);
            if (value != null && !value.isBlank()) {
                merged.setProperty(key, value);
            }
        });
        for (String key : system.stringPropertyNames()) {
            if (key.startsWith("relay.") || key.startsWith("camel.")) {
                merged.setProperty(key, system.getProperty(key));
            }
        }
        overrides.forEach(merged::setProperty);
        return new RelaySettings(merged, location);
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /** Where application.properties was read from, as a Camel property location. */
    public String configLocation() {
        return configLocation;
    }

    public Optional<String> find(String key) {
        String v = properties.getProperty(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    public String get(String key, String fallback) {
        return find(key).orElse(fallback);
    }

    public int getInt(String key, int fallback) {
        return find(key).map(Integer::parseInt).orElse(fallback);
    }

    public boolean getBoolean(String key, boolean fallback) {
        return find(key).map(Boolean::parseBoolean).orElse(fallback);
    }

    /** Sets a derived value (e.g. the embedded database URL) so Camel sees it too. */
    public void set(String key, String value) {
        properties.setProperty(key, value);
    }

    /** Every relay.* value; handed to Camel as override properties so routes see resolved values. */
    public Properties relayProperties() {
        Properties out = new Properties();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("relay.") || key.startsWith("camel.")) {
                out.setProperty(key, properties.getProperty(key));
            }
        }
        return out;
    }

    public boolean embeddedDatabase() {
        return find("relay.db.url").isEmpty();
    }

    public Path dataDir() {
        return Path.of(get("relay.data-dir", "./data")).toAbsolutePath().normalize();
    }
}
