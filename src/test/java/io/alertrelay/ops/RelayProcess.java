package io.alertrelay.ops;

import io.alertrelay.db.EmbeddedPostgres;
import io.alertrelay.support.TestRelay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * The relay as its own JVM ({@code java -cp <test classpath> io.alertrelay.AlertRelay}), configured
 * with system properties as an operator would, on an external PostgreSQL; killable with kill -9.
 */
final class RelayProcess implements AutoCloseable {

    static final String JWT_SECRET = "ops-test-jwt-secret-that-is-at-least-32-bytes";

    private final Process process;
    private final int port;
    private final Path log;

    private RelayProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static RelayProcess start(String dbUrl, String receiverBaseUrl, Map<String, String> overrides) {
        return start(dbUrl, receiverBaseUrl, overrides, Map.of());
    }

    /**
     * As {@link #start(String, String, Map)}, with these variables added to the process environment
     * (as a container or systemd unit would set them). A test setting a property through the environment
     * keeps that property out of {@code overrides}: a system property wins over the environment.
     */
    static RelayProcess start(String dbUrl, String receiverBaseUrl, Map<String, String> overrides,
            Map<String, String> environment) {
        int port = TestRelay.freePort();
        Path dir = TestRelay.tempDir();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("relay.db.url", dbUrl);
        props.put("relay.db.user", EmbeddedPostgres.USER);
        props.put("relay.http.port", String.valueOf(port));
        props.put("relay.data-dir", dir.toString());
        props.put("relay.secrets.master-key", TestRelay.MASTER_KEY);
        props.put("relay.auth.jwt-secret", JWT_SECRET);
        props.put("relay.demo-data", "true");
        props.put("relay.demo.receiver-url", receiverBaseUrl);
        props.put("relay.delivery.allow-private-targets", "true");
        props.put("relay.routes.reload", "false");
        props.put("relay.log.format", "plain");
        // wall-clock schedules must not fire mid-test, as in TestRelay: the top-of-the-hour quota reset once
        // ran inside TwoInstancesOneDatabaseTest (CI, 19:59:31-20:00:10) and left hour_count 1,101 for 1,588
        // delivered. The heartbeat that returns a dead instance's quota is a timer route, not a schedule.
        props.put("relay.schedules.enabled", "false");
        props.putAll(overrides);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", classpath()));
        props.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("io.alertrelay.AlertRelay");
        Path log = dir.resolve("relay.log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("").toAbsolutePath().toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            Process p = builder.start();
            return new RelayProcess(p, port, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Surefire hands the test classpath to the forked JVM in this property; outside it, java.class.path. */
    private static String classpath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /** Waits until the instance answers ready, or fails with the end of its log. */
    RelayProcess awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newHttpClient();
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> ready(client));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("relay not ready within " + timeout + ":\n" + tail());
        }
        return this;
    }

    private boolean ready(HttpClient client) throws InterruptedException {
        if (!process.isAlive()) {
            throw new IllegalStateException("relay exited with " + process.exitValue() + ":\n" + tail());
        }
        try {
            return client.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/observe/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** kill -9: no shutdown hook, no graceful stop; in-flight work is left leased in the database. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
