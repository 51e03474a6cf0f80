package io.alertrelay.config;

import org.apache.camel.util.IOHelper;
import org.apache.camel.util.StringHelper;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The relay's own settings, resolved once at start from layers, highest first: values the relay
 * derives while starting (the embedded database URL, generated secrets), explicit overrides (tests),
 * JVM system properties, the environment, the file named by {@code RELAY_CONFIG_FILE} (or
 * {@code ./application.properties}), and the defaults bundled in the jar.
 *
 * <p>Every property can come from the environment under the name Camel's properties component gives
 * it ({@code relay.delivery.timeout-ms} ↔ {@code RELAY_DELIVERY_TIMEOUT_MS}: upper case, '.' and '-'
 * become '_'; a camelCase word is split first: {@code camel.component.http.maxTotalConnections} ↔
 * {@code CAMEL_COMPONENT_HTTP_MAX_TOTAL_CONNECTIONS}); the stable names of the configuration contract
 * (SPEC §11, §12) are aliases that win over the rule's name.
 */
public final class RelaySettings {

    /** Environment variable → property, exactly as the configuration contract names them (aliases of the rule). */
    public static final Map<String, String> ENVIRONMENT_CONTRACT = contract();

    /** The bundled defaults inside the jar. */
    public static final String BUNDLED_DEFAULTS = "application.properties";

    private final Properties defaults;
    private final Properties file;
    private final Map<String, String> environment;
    private final Properties system;
    private final Properties explicit = new Properties();
    private final List<String> placeholderLocations;

    private RelaySettings(Properties defaults, Properties file, Map<String, String> environment, Properties system,
            List<String> placeholderLocations) {
        this.defaults = defaults;
        this.file = file;
        this.environment = environment;
        this.system = system;
        this.placeholderLocations = List.copyOf(placeholderLocations);
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
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Loads the layers. {@code environment} is the process environment ({@code System.getenv()}),
     * {@code system} the JVM system properties (only {@code relay.*} and {@code camel.*} keys count).
     */
    public static RelaySettings load(Map<String, String> environment, Properties system, Map<String, String> overrides)
            throws IOException {
        Properties defaults = new Properties();
        List<String> locations = new ArrayList<>();
        try (InputStream in = RelaySettings.class.getResourceAsStream("/" + BUNDLED_DEFAULTS)) {
            if (in != null) {
                try (Reader r = new java.io.InputStreamReader(in, StandardCharsets.UTF_8)) {
                    defaults.load(r);
                }
                locations.add("classpath:" + BUNDLED_DEFAULTS);
            }
        }
        Properties file = new Properties();
        String named = first(overrides.get("relay.config-file"), system.getProperty("relay.config-file"),
                environment.get("RELAY_CONFIG_FILE"));
        Path path = Path.of(named != null ? named : "application.properties");
        if (Files.isRegularFile(path)) {
            try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                file.load(r);
            }
            locations.add("file:" + path.toAbsolutePath());
        } else if (named != null) {
            throw new java.io.FileNotFoundException("RELAY_CONFIG_FILE names no readable file: " + path.toAbsolutePath());
        }
        Properties sys = new Properties();
        for (String key : system.stringPropertyNames()) {
            if (relevant(key)) {
                sys.setProperty(key, system.getProperty(key));
            }
        }
        RelaySettings settings = new RelaySettings(defaults, file, Map.copyOf(environment), sys, locations);
        overrides.forEach(settings.explicit::setProperty);
        return settings;
    }

    private static boolean relevant(String key) {
        return key.startsWith("relay.") || key.startsWith("camel.");
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /**
     * The environment variable names that set {@code key}, in the order they are looked up: the
     * contract's alias (if any), then the rule's names as Camel's properties component looks them up
     * ({@code IOHelper.lookupEnvironmentVariable}): the key upper-cased, then with '.' and '-' as '_',
     * then with camelCase words split by '_'.
     */
    public static List<String> environmentNames(String key) {
        Set<String> names = new LinkedHashSet<>();
        ENVIRONMENT_CONTRACT.forEach((env, property) -> {
            if (property.equals(key)) {
                names.add(env);
            }
        });
        names.add(key.toUpperCase(java.util.Locale.ROOT));
        names.add(IOHelper.normalizeEnvironmentVariable(key));
        names.add(IOHelper.normalizeEnvironmentVariable(StringHelper.camelCaseToDash(key)));
        return List.copyOf(names);
    }

    /** The rule's environment variable name of a property: {@code relay.delivery.timeout-ms} → {@code RELAY_DELIVERY_TIMEOUT_MS}. */
    public static String environmentName(String key) {
        return IOHelper.normalizeEnvironmentVariable(StringHelper.camelCaseToDash(key));
    }

    private Optional<String> fromEnvironment(String key) {
        for (String name : environmentNames(key)) {
            String value = environment.get(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /** The value of the highest layer that has the key (a blank environment variable counts as unset). */
    private Optional<String> raw(String key) {
        String v = explicit.getProperty(key);
        if (v == null) {
            v = system.getProperty(key);
        }
        if (v == null) {
            v = fromEnvironment(key).orElse(null);
        }
        if (v == null) {
            v = file.getProperty(key);
        }
        if (v == null) {
            v = defaults.getProperty(key);
        }
        return Optional.ofNullable(v);
    }

    /** Camel property locations of the files read, lowest first (the bundled defaults, then the config file). */
    public String placeholderLocations() {
        return String.join(",", placeholderLocations);
    }

    public Optional<String> find(String key) {
        return raw(key).filter(v -> !v.isBlank()).map(String::trim);
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

    /** Sets a derived value (e.g. the embedded database URL) so Camel sees it too; it wins over every layer. */
    public void set(String key, String value) {
        explicit.setProperty(key, value);
    }

    /**
     * Every relay.* and camel.* value of every layer, resolved as {@link #find} resolves it; handed to
     * Camel as override properties so routes and Camel's own configuration see exactly what the beans see.
     */
    public Properties relayProperties() {
        Set<String> keys = new LinkedHashSet<>();
        for (Properties layer : List.of(defaults, file, system, explicit)) {
            keys.addAll(layer.stringPropertyNames());
        }
        ENVIRONMENT_CONTRACT.forEach((env, key) -> {
            if (environment.containsKey(env)) {
                keys.add(key);
            }
        });
        Properties out = new Properties();
        for (String key : keys) {
            if (relevant(key)) {
                raw(key).ifPresent(v -> out.setProperty(key, v));
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
