package io.alertrelay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.alertrelay.admin.AdminBeans;
import io.alertrelay.config.LocalSecrets;
import io.alertrelay.config.RelaySettings;
import io.alertrelay.dashboard.DashboardBeans;
import io.alertrelay.db.Database;
import io.alertrelay.db.EmbeddedPostgres;
import io.alertrelay.demo.DemoData;
import io.alertrelay.demo.DemoReceiver;
import io.alertrelay.http.HttpReplies;
import io.alertrelay.http.JsonErrorPages;
import io.alertrelay.intake.FlagIntake;
import io.alertrelay.intake.FlagStore;
import io.alertrelay.ops.OpsBeans;
import io.alertrelay.delivery.AgencyCircuitBreakers;
import io.alertrelay.delivery.AttemptWriter;
import io.alertrelay.delivery.DeliveryStore;
import io.alertrelay.delivery.DeliveryWork;
import io.alertrelay.delivery.OperationalEvents;
import io.alertrelay.delivery.RetrySchedule;
import io.alertrelay.quota.AgencyQuota;
import io.alertrelay.signing.SecretCipher;
import io.alertrelay.signing.StandardWebhookSigner;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.CamelContext;
import org.apache.camel.main.DefaultMainShutdownStrategy;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * One running relay: its database (embedded or external), schema, demo data and the Camel Main
 * application whose routes come from the routes/ folder.
 */
public final class RelayApplication implements AutoCloseable {

    /** Registry name of the Vert.x instance the HTTP server runs on (closed after Camel stopped). */
    private static final String RELAY_VERTX = "relayVertx";

    private static final Logger LOG = LoggerFactory.getLogger(RelayApplication.class);

    private final Main main;
    private final HikariDataSource dataSource;
    private final EmbeddedPostgres embedded;
    private final RelaySettings settings;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private RelayApplication(Main main, HikariDataSource dataSource, EmbeddedPostgres embedded, RelaySettings settings) {
        this.main = main;
        this.dataSource = dataSource;
        this.embedded = embedded;
        this.settings = settings;
    }

    public static RelayApplication start(RelaySettings settings) throws Exception {
        long begin = System.nanoTime();
        Path dataDir = settings.dataDir();
        Files.createDirectories(dataDir);
        boolean embeddedMode = settings.embeddedDatabase();
        EmbeddedPostgres embedded = null;
        HikariDataSource dataSource = null;
        Main main = null;
        try {
            if (embeddedMode) {
                embedded = EmbeddedPostgres.start(dataDir.resolve("postgres"), settings.getInt("relay.db.embedded-port", 0));
                settings.set("relay.db.url", embedded.jdbcUrl());
                settings.set("relay.db.user", EmbeddedPostgres.USER);
                LocalSecrets.fillIn(settings, dataDir);
            }
            defaultTo(settings, "relay.demo-data", String.valueOf(embeddedMode));
            defaultTo(settings, "relay.delivery.allow-private-targets", String.valueOf(embeddedMode));
            defaultTo(settings, "relay.routes.reload", String.valueOf(embeddedMode));
            String masterKey = settings.find("relay.secrets.master-key").orElseThrow(() -> new IllegalStateException(
                    "RELAY_MASTER_KEY is required with an external database (base64 of 32 random bytes, e.g. `openssl rand -base64 32`)"));
            SecretCipher cipher = new SecretCipher(masterKey);

            dataSource = Database.pool(settings.find("relay.db.url").orElseThrow(),
                    settings.find("relay.db.user").orElse(null), settings.find("relay.db.password").orElse(null),
                    settings.getInt("relay.db.pool-size", 20));
            Database.migrate(dataSource);

            int port = settings.getInt("relay.http.port", 8080);
            if (settings.getBoolean("relay.demo-data", false)) {
                DemoData.load(dataSource, cipher, settings.get("relay.demo.receiver-url", "http://127.0.0.1:" + port));
            }

            main = new Main();
            // one ordered stop (AlertRelay's hook calls close(): Camel, then the pool, then the database);
            // Camel's own hangup hook would race it and find the database already gone
            if (main.getShutdownStrategy() instanceof DefaultMainShutdownStrategy strategy) {
                strategy.disableHangupSupport();
            }
            if (!settings.placeholderLocations().isEmpty()) {
                main.setPropertyPlaceholderLocations(settings.placeholderLocations());
            }
            main.configure().withRoutesIncludePattern(routesPattern(settings));
            bindBeans(main, settings, dataSource, cipher);
            AdminBeans.bind(main, settings, dataSource, cipher, embeddedMode, endpointTransports(main));
            OpsBeans.bind(main, settings, dataSource);
            // after the beans: a transport derives component defaults (camel.component.kafka.*) while binding
            main.setOverrideProperties(settings.relayProperties());
            main.start();
            CamelContext camel = main.getCamelContext();
            JsonErrorPages.install(camel);
            RelayApplication app = new RelayApplication(main, dataSource, embedded, settings);
            LOG.info("Alert Relay ready on http://localhost:{} ({} database, started in {} ms)", port,
                    embeddedMode ? "embedded" : "external", (System.nanoTime() - begin) / 1_000_000);
            return app;
        } catch (Exception | Error e) {
            if (main != null) {
                closeVertx(main);
            }
            if (dataSource != null) {
                dataSource.close();
            }
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    private static void bindBeans(Main main, RelaySettings settings, HikariDataSource dataSource, SecretCipher cipher) {
        ObjectMapper json = new ObjectMapper();
        long maxBody = settings.getInt("relay.http.max-body-bytes", 1_048_576);
        main.bind("relayDataSource", dataSource);
        main.bind("relayJson", json);
        main.bind("secretCipher", cipher);
        main.bind("httpReplies", new HttpReplies(json));
        // camel-platform-http-vertx takes this Vert.x from the registry: its HTTP server then answers
        // 414, 431 and undecodable requests with the JSON error body too
        main.bind(RELAY_VERTX, new io.alertrelay.http.TransportRefusals(new io.alertrelay.http.TransportRefusals.Limits(
                settings.getInt("relay.http.max-initial-line-bytes", 4096),
                settings.getInt("relay.http.max-header-bytes", 8192))).vertx(new io.vertx.core.VertxOptions()));
        // one reader of JSON request bodies for the flag intake, events, unflag, subscriptions and partners
        io.alertrelay.http.JsonBodies bodies = new io.alertrelay.http.JsonBodies(json, maxBody);
        main.bind(io.alertrelay.http.JsonBodies.BEAN, bodies);
        // webhooks go out through this pool: it checks the address connected to (DNS rebinding)
        main.bind(io.alertrelay.delivery.AgencyConnections.BEAN, io.alertrelay.delivery.AgencyConnections.create(
                settings.getBoolean("relay.delivery.allow-private-targets", false),
                settings.getInt("camel.component.http.maxTotalConnections", 512),
                settings.getInt("camel.component.http.connectionsPerRoute", 64),
                Duration.ofMillis(settings.getInt("relay.delivery.connect-timeout-ms", 10000)),
                Duration.ofMillis(settings.getInt("relay.delivery.timeout-ms", 30000))));
        settings.set("camel.component.http.clientConnectionManager", "#" + io.alertrelay.delivery.AgencyConnections.BEAN);
        // the Throttler EIP's pace per agency, its permits bounded (delivery.Pace): routes/delivery.camel.yaml
        io.alertrelay.delivery.Pace pace = io.alertrelay.delivery.Pace.of(
                settings.getInt("relay.delivery.pace.requests-per-period", 20),
                settings.getInt("relay.delivery.pace.period-ms", 1000));
        settings.set("relay.delivery.pace.throttle-requests", String.valueOf(pace.requests()));
        settings.set("relay.delivery.pace.throttle-period-ms", String.valueOf(pace.periodMillis()));
        Map<String, io.alertrelay.transport.EndpointTransport> transports =
                io.alertrelay.transport.TransportBeans.bind(main, settings, json);
        main.bind("demoReceiver", new DemoReceiver(dataSource, cipher, json));
        io.alertrelay.schedules.ScheduleBeans.bind(main, settings, dataSource, json);
        DashboardBeans.bind(main, settings, dataSource, json);

        ZoneId zone = ZoneId.of(settings.get("relay.schedule.zone", "Africa/Lagos"));
        String instanceId = instanceId();
        // quota blocks are recorded in this instance's name: a dead instance's unused units are returned by the heartbeat
        AgencyQuota quota = new AgencyQuota(dataSource, instanceId, zone, settings.getInt("relay.quota.max-block", 64),
                Duration.ofMillis(settings.getInt("relay.quota.allowance-ms", 1000)));
        io.alertrelay.delivery.InstanceHeartbeat heartbeat = new io.alertrelay.delivery.InstanceHeartbeat(dataSource,
                instanceId, Duration.ofMillis(settings.getInt("relay.instances.dead-after-ms", 8000)),
                Duration.ofMillis(settings.getInt("relay.delivery.handoff-grace-ms", 5000)), quota);
        try {
            heartbeat.register(); // before any lease or quota block is taken in this instance's name
        } catch (SQLException e) {
            throw new IllegalStateException("instance not registered in relay_instances: " + e.getMessage(), e);
        }
        main.bind("instanceHeartbeat", heartbeat);
        OperationalEvents events = new OperationalEvents(dataSource, json);
        AgencyCircuitBreakers breakers = new AgencyCircuitBreakers(
                Float.parseFloat(settings.get("relay.delivery.breaker.failure-rate", "70")),
                settings.getInt("relay.delivery.breaker.minimum-calls", 10),
                settings.getInt("relay.delivery.breaker.window", 20),
                Duration.parse(settings.get("relay.delivery.breaker.wait-open", "PT30S")),
                settings.getInt("relay.delivery.breaker.half-open-calls", 2),
                (agency, transition) -> events.record(
                        transition.getToState() == CircuitBreaker.State.OPEN ? OperationalEvents.CIRCUIT_OPENED
                                : OperationalEvents.CIRCUIT_RECOVERED,
                        Optional.empty(), Optional.empty(), Map.of("agency", agency, "transition", transition.name())));
        AttemptWriter attempts = new AttemptWriter(dataSource, instanceId,
                settings.getInt("relay.delivery.attempt-batch", 200),
                Duration.ofMillis(settings.getInt("relay.delivery.attempt-linger-ms", 5)));
        main.bind("attemptWriter", attempts);
        DeliveryStore deliveries = new DeliveryStore(dataSource, instanceId,
                Duration.ofSeconds(settings.getInt("relay.delivery.lease-seconds", 60)), attempts);
        FlagStore flags = new FlagStore(dataSource, deliveries, settings.getInt("relay.intake.batch-max", 64),
                Duration.ofMillis(settings.getInt("relay.intake.linger-ms", 0)),
                Duration.ofMillis(settings.getInt("relay.intake.code-cache-ms", 10_000)));
        main.bind("flagStore", flags);
        main.bind("flagIntake", new FlagIntake(flags, bodies));
        DeliveryWork.Settings work = new DeliveryWork.Settings(
                settings.getInt("relay.delivery.poll-batch", 200),
                Duration.ofMillis(settings.getInt("relay.delivery.handoff-grace-ms", 5000)),
                Duration.parse(settings.get("relay.delivery.retry-after-max", "PT1H")),
                settings.getInt("relay.delivery.max-attempts", 50),
                settings.get("relay.delivery.case-number-field", "caseNumber"),
                "AlertRelay/" + version(),
                // an attempt needs its HTTP timeout and some slack of lease left
                Duration.ofMillis(settings.getInt("relay.delivery.timeout-ms", 30000) + 5000L));
        main.bind("agencyQuota", quota);
        main.bind("agencyCircuitBreakers", breakers);
        main.bind("operationalEvents", events);
        main.bind("deliveryWork", new DeliveryWork(deliveries, quota, breakers, new StandardWebhookSigner(), cipher,
                events, new RetrySchedule(settings.get("relay.delivery.retry-schedule", "PT1M,PT5M,PT30M,PT2H,PT5H,PT10H"),
                Double.parseDouble(settings.get("relay.delivery.retry-jitter", "0.2"))), json, work));
        io.alertrelay.events.EventsBeans.bind(main, settings, dataSource, cipher, json, transports);
        io.alertrelay.partners.PartnerBeans.bind(main, dataSource, cipher);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, io.alertrelay.transport.EndpointTransport> endpointTransports(Main main) {
        return main.lookup(io.alertrelay.transport.TransportBeans.ENDPOINT_TRANSPORTS, Map.class);
    }

    /** Identifies this instance's leases: host, process and a random suffix. */
    private static String instanceId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String version() {
        String v = RelayApplication.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static String routesPattern(RelaySettings settings) {
        Path dir = Path.of(settings.get("relay.routes-dir", "routes")).toAbsolutePath().normalize();
        if (Files.isDirectory(dir)) {
            return "file:" + dir + "/*.camel.yaml";
        }
        LOG.warn("No routes directory at {}: using the routes shipped in the jar", dir);
        settings.set("relay.routes.reload", "false");
        return "classpath:routes/*.camel.yaml";
    }

    private static void defaultTo(RelaySettings settings, String key, String value) {
        if (settings.find(key).isEmpty()) {
            settings.set(key, value);
        }
    }

    public CamelContext camel() {
        return main.getCamelContext();
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    public RelaySettings settings() {
        return settings;
    }

    /** Camel did not create the HTTP server's Vert.x, so it does not close it. */
    private static void closeVertx(Main main) {
        closeVertx(main.lookup(RELAY_VERTX, io.vertx.core.Vertx.class));
    }

    private static void closeVertx(io.vertx.core.Vertx vertx) {
        if (vertx == null) {
            return;
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("The HTTP server's Vert.x did not stop cleanly: {}", e.getMessage());
        }
    }

    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        AgencyQuota quota = main.lookup("agencyQuota", AgencyQuota.class);
        AttemptWriter attempts = main.lookup("attemptWriter", AttemptWriter.class);
        FlagStore flags = main.lookup("flagStore", FlagStore.class);
        io.vertx.core.Vertx vertx = main.lookup(RELAY_VERTX, io.vertx.core.Vertx.class);
        try {
            main.stop();
        } catch (Exception e) {
            LOG.warn("Camel did not stop cleanly: {}", e.getMessage());
        }
        closeVertx(vertx);
        io.alertrelay.transport.TransportBeans.close(main);
        io.alertrelay.delivery.InstanceHeartbeat heartbeat = main.lookup("instanceHeartbeat",
                io.alertrelay.delivery.InstanceHeartbeat.class);
        if (flags != null) {
            flags.close(); // the intake has stopped: what it queued is written
        }
        if (attempts != null) {
            attempts.close(); // the workers have stopped: what they recorded is written
        }
        if (quota != null) {
            try {
                quota.settleAll(); // unused quota allowances back to the counters
            } catch (SQLException e) {
                LOG.warn("Quota allowances not given back ({}); the next reset clears them", e.getMessage());
            }
        }
        if (heartbeat != null) {
            heartbeat.stopped();
        }
        dataSource.close();
        if (embedded != null) {
            embedded.close();
        }
        stopped.countDown();
    }
}
