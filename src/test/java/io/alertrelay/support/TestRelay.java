package io.alertrelay.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.RelayApplication;
import io.alertrelay.config.RelaySettings;
import io.alertrelay.db.EmbeddedPostgres;
import io.alertrelay.security.BearerTokens;
import io.alertrelay.security.Principal;
import io.alertrelay.security.RelaySecurity;
import io.alertrelay.signing.SecretCipher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A relay started in-process exactly as {@code main} starts it, on the shared test database,
 * with the real routes/ folder, demo data and a free port. {@link #shared()} is started once per run.
 */
public final class TestRelay implements AutoCloseable {

    public static final String MASTER_KEY = SecretCipher.newMasterKey();
    private static TestRelay shared;
    private static final List<Path> TEMP_DIRS = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestRelay::stopAndDeleteTempDirs, "test-run-stop"));
    }

    private final RelayApplication app;
    private final int port;
    private final String dbUrl;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private final BearerTokens tokens;
    private final String adminToken;

    private TestRelay(RelayApplication app, int port, String dbUrl) {
        this.app = app;
        this.port = port;
        this.dbUrl = dbUrl;
        // signed with the secret the relay really uses (in embedded mode: the data dir's generated one)
        this.tokens = RelaySecurity.tokens(app.settings());
        this.adminToken = tokens.mint("test-admin", List.of(Principal.SUPER_ADMIN), Duration.ofHours(24));
    }

    public static synchronized TestRelay shared() {
        if (shared == null) {
            shared = start(TestDatabase.jdbcUrl(), Map.of());
            TestDatabase.beforeServerStops(shared::close);
        }
        return shared;
    }

    /**
     * A relay on a database of its own, so no other relay's poller touches its deliveries
     * (timings, breakers and attempt counts stay its own); overrides win over the test defaults.
     */
    public static TestRelay start(Map<String, String> overrides) {
        return start(TestDatabase.newDatabase(), overrides);
    }

    /** A second instance on {@code other}'s database, as several instances share one PostgreSQL. */
    public static TestRelay startBeside(TestRelay other, Map<String, String> overrides) {
        return start(other.dbUrl, overrides);
    }

    /** A relay on a database server the test owns (to stop and start it under the relay). */
    public static TestRelay startOn(String dbUrl, Map<String, String> overrides) {
        return start(dbUrl, overrides);
    }

    private static TestRelay start(String dbUrl, Map<String, String> overrides) {
        int port = freePort();
        Map<String, String> props = new HashMap<>();
        props.put("relay.db.url", dbUrl);
        props.put("relay.db.user", EmbeddedPostgres.USER);
        props.put("relay.http.port", String.valueOf(port));
        props.put("relay.demo-data", "true");
        props.put("relay.secrets.master-key", MASTER_KEY);
        props.put("relay.auth.jwt-secret", "test-jwt-secret-that-is-at-least-32-bytes-long");
        props.put("relay.delivery.allow-private-targets", "true");
        props.put("relay.routes.reload", "false");
        props.put("relay.data-dir", tempDir().toString());
        // fast delivery loop for tests: quick polls, no hand-off grace, short retries
        props.put("relay.delivery.poll-interval-ms", "100");
        props.put("relay.delivery.handoff-grace-ms", "0");
        props.put("relay.delivery.redelivery.delay-ms", "50");
        props.put("relay.delivery.retry-schedule", "PT0.3S,PT0.6S");
        props.put("relay.delivery.pace.requests-per-period", "1000");
        // breakers are tested on their own relay; elsewhere they must not interfere
        props.put("relay.delivery.breaker.minimum-calls", "1000");
        // wall-clock schedules (hourly resets...) must not fire mid-test; tests run jobs on demand
        props.put("relay.schedules.enabled", "false");
        // the per-client request limit is tested on a relay of its own; tests send many requests as one admin
        props.put("relay.http.client-rate-limit.per-minute", "1000000");
        props.putAll(overrides);
        try {
            RelaySettings settings = RelaySettings.load(Map.of(), new java.util.Properties(), props);
            return new TestRelay(RelayApplication.start(settings), port, dbUrl);
        } catch (Exception e) {
            throw new IllegalStateException("relay did not start", e);
        }
    }

    public RelayApplication app() {
        return app;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public HttpResponse<String> post(String path, String contentType, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    public HttpResponse<String> postJson(String path, String body, String... headers) {
        return post(path, "application/json", body, headers);
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    /** Sends the request with the admin bearer token unless it already carries an Authorization header. */
    public HttpResponse<String> send(HttpRequest request) {
        if (request.headers().firstValue("Authorization").isPresent()) {
            return sendAsIs(request);
        }
        return sendAsIs(HttpRequest.newBuilder(request, (name, value) -> true)
                .header("Authorization", "Bearer " + adminToken).build());
    }

    /** Sends the request with this bearer token, or with no Authorization header when {@code token} is null. */
    public HttpResponse<String> sendWithToken(HttpRequest request, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase("Authorization"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return sendAsIs(b.build());
    }

    /** Any method and path with a chosen token (null: none); {@code body} null sends no body. */
    public HttpResponse<String> request(String method, String path, String token, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return sendWithToken(b.build(), token);
    }

    /** As an admin: {@code request(method, path, adminToken(), "application/json", body)}. */
    public HttpResponse<String> requestJson(String method, String path, String body) {
        return request(method, path, adminToken, body == null ? null : "application/json", body);
    }

    public String adminToken() {
        return adminToken;
    }

    /** A valid token (24 h) for this subject with these roles. */
    public String token(String subject, String... roles) {
        return tokens.mint(subject, List.of(roles), Duration.ofHours(24));
    }

    /** A correctly signed token whose expiry passed an hour ago. */
    public String expiredToken(String subject, String... roles) {
        return tokens.mint(subject, List.of(roles), java.time.Instant.now().minus(Duration.ofHours(2)), Duration.ofHours(1));
    }

    private HttpResponse<String> sendAsIs(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public JsonNode json(HttpResponse<String> response) {
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    /** A single value from the test database. */
    public Object queryValue(String sql, Object... params) {
        try (Connection c = app.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public int update(String sql, Object... params) {
        try (Connection c = app.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        app.close();
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the project's routes/ folder that a test may edit (route reload tests). */
    public static Path copyOfRoutes() {
        Path routes = tempDir().resolve("routes");
        try {
            Files.createDirectories(routes);
            try (var files = Files.list(Path.of("routes"))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, routes.resolve(f.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return routes;
    }

    /** A temporary directory, deleted with everything in it when the test run ends. */
    public static Path tempDir() {
        try {
            // world-traversable: as root, the embedded PostgreSQL runs as an unprivileged user
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "alert-relay-test",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            TEMP_DIRS.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One hook, so the order holds (the JVM runs separate hooks concurrently): the shared database
     * server stops (its relays first), then the temporary directories go, its data directory among
     * them. Without it every run left its PostgreSQL data (about 40 MB) in /tmp.
     */
    private static void stopAndDeleteTempDirs() {
        TestDatabase.stop();
        TEMP_DIRS.forEach(dir -> org.apache.camel.util.FileUtil.removeDir(dir.toFile()));
    }
}
