package io.alertrelay.db;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server run from the binaries shipped inside the jar, with its data kept in a
 * directory across restarts; when the JVM runs as root the server runs as an unprivileged user.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private static final String ARCHIVE = "/postgres-linux-x86_64.txz";
    public static final String DATABASE = "relay";
    public static final String USER = "relay";

    private final Path binDir;
    private final Path dataDir;
    private final ProcessLauncher launcher;
    private final int port;
    private volatile boolean running;

    private EmbeddedPostgres(Path binDir, Path dataDir, ProcessLauncher launcher, int port) {
        this.binDir = binDir;
        this.dataDir = dataDir;
        this.launcher = launcher;
        this.port = port;
    }

    /**
     * Starts (initialising on first use) a server whose cluster lives in {@code dataDir}. The caller
     * owns it and must {@link #close()} it once nothing uses it any more.
     */
    public static EmbeddedPostgres start(Path dataDir, int requestedPort) throws IOException {
        Path absoluteData = dataDir.toAbsolutePath().normalize();
        Path installation = unpackBinaries();
        ProcessLauncher launcher = ProcessLauncher.forDataDirectory(absoluteData);
        int port = requestedPort > 0 ? requestedPort : freePort();
        EmbeddedPostgres pg = new EmbeddedPostgres(installation.resolve("bin"), absoluteData, launcher, port);
        pg.initialiseIfNeeded();
        pg.stopLeftover();
        pg.startServer();
        pg.createDatabaseIfNeeded();
        return pg;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        try {
            run(List.of(bin("pg_ctl"), "stop", "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "30"), 45);
            LOG.info("Embedded PostgreSQL stopped");
        } catch (IOException e) {
            LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }

    private void initialiseIfNeeded() throws IOException {
        if (Files.exists(dataDir.resolve("PG_VERSION"))) {
            launcher.prepare(dataDir);
            return;
        }
        Files.createDirectories(dataDir);
        launcher.prepare(dataDir);
        LOG.info("Initialising embedded PostgreSQL cluster in {}", dataDir);
        run(List.of(bin("initdb"), "-D", dataDir.toString(), "-U", USER, "-A", "trust", "-E", "UTF8",
                "--locale=C", "--no-instructions"), 120);
    }

    /** A server left running by a killed JVM still holds the data directory: stop it first. */
    private void stopLeftover() throws IOException {
        if (!Files.exists(dataDir.resolve("postmaster.pid"))) {
            return;
        }
        Process status = launcher.start(List.of(bin("pg_ctl"), "status", "-D", dataDir.toString()));
        if (waitFor(status, 20) == 0) {
            LOG.warn("A PostgreSQL server from an earlier run still uses {}: stopping it", dataDir);
            run(List.of(bin("pg_ctl"), "stop", "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "60"), 75);
        }
    }

    private void startServer() throws IOException {
        Path log = dataDir.resolve("server.log");
        String options = "-p " + port + " -h 127.0.0.1 -k '' -c max_connections=200 -c shared_buffers=128MB"
                + " -c autovacuum_naptime=10s";
        run(List.of(bin("pg_ctl"), "start", "-D", dataDir.toString(), "-w", "-t", "60", "-l", log.toString(),
                "-o", options), 90);
        running = true;
        // no shutdown hook of its own: the owner stops it after the work that uses it (RelayApplication.close)
        LOG.info("Embedded PostgreSQL running on 127.0.0.1:{} with data in {}", port, dataDir);
    }

    /** The shipped distribution has only initdb, pg_ctl and postgres: create the database over JDBC. */
    private void createDatabaseIfNeeded() throws IOException {
        String admin = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        try (Connection c = DriverManager.getConnection(admin, USER, "");
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement create = c.createStatement()) {
                create.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (SQLException e) {
            throw new IOException("cannot create database " + DATABASE + ": " + e.getMessage(), e);
        }
    }

    private String bin(String name) {
        return binDir.resolve(name).toString();
    }

    private void run(List<String> command, int timeoutSeconds) throws IOException {
        Process process = launcher.start(command);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = waitFor(process, timeoutSeconds);
        if (exit != 0) {
            throw new IOException(Path.of(command.get(0)).getFileName() + " failed (exit " + exit + "): " + output.trim());
        }
    }

    private static int waitFor(Process process, int timeoutSeconds) throws IOException {
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out after " + timeoutSeconds + " s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Unpacks the PostgreSQL distribution once into a world-traversable directory outside any
     * home directory, so an unprivileged server user can execute it.
     */
    private static synchronized Path unpackBinaries() throws IOException {
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "alert-relay-postgres-" + binariesVersion());
        Path marker = target.resolve(".complete");
        if (Files.exists(marker)) {
            return target;
        }
        Path staging = Files.createTempDirectory(target.getParent(), "alert-relay-postgres-staging");
        try (InputStream raw = EmbeddedPostgres.class.getResourceAsStream(ARCHIVE)) {
            if (raw == null) {
                throw new IOException("PostgreSQL binaries " + ARCHIVE + " are not on the classpath");
            }
            try (TarArchiveInputStream tar = new TarArchiveInputStream(
                    new XZCompressorInputStream(new BufferedInputStream(raw)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path out = staging.resolve(entry.getName()).normalize();
                    if (!out.startsWith(staging)) {
                        throw new IOException("archive entry escapes target: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(out.getParent());
                        Files.deleteIfExists(out);
                        Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(out, (entry.getMode() & 0100) != 0
                                ? PosixFilePermissions.fromString("rwxr-xr-x")
                                : PosixFilePermissions.fromString("rw-r--r--"));
                    }
                }
            }
        }
        try (var paths = Files.walk(staging)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
        Files.writeString(staging.resolve(".complete"), "ok");
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            if (!Files.exists(marker)) {
                throw raced;
            }
        }
        return target;
    }

    /** The archive's size identifies the shipped build, so a stale unpack is never reused. */
    private static String binariesVersion() throws IOException {
        var url = EmbeddedPostgres.class.getResource(ARCHIVE);
        if (url == null) {
            throw new IOException("PostgreSQL binaries " + ARCHIVE + " are not on the classpath");
        }
        return "17-" + url.openConnection().getContentLengthLong();
    }

    /**
     * How server processes are launched: directly when we are not root; as root, through
     * {@code runuser} as an unprivileged user who owns the data directory, or, when that user cannot
     * reach the directory (say under /root), in a user namespace where root appears unprivileged.
     */
    static final class ProcessLauncher {
        private static final List<String> USER_NAMESPACE =
                List.of("unshare", "--user", "--map-user=65534", "--map-group=65534", "--");

        private final List<String> prefix;
        private final String owner;

        private ProcessLauncher(List<String> prefix, String owner) {
            this.prefix = prefix;
            this.owner = owner;
        }

        static ProcessLauncher forDataDirectory(Path dataDir) throws IOException {
            if (!isRoot()) {
                return new ProcessLauncher(List.of(), null);
            }
            String user = userExists("postgres") ? "postgres" : "nobody";
            boolean clusterOwnedByRoot = Files.exists(dataDir.resolve("PG_VERSION"))
                    && Integer.valueOf(0).equals(Files.getAttribute(dataDir, "unix:uid"));
            if (!clusterOwnedByRoot && canReach(user, nearestExisting(dataDir))) {
                return new ProcessLauncher(List.of("runuser", "-u", user, "--"), user);
            }
            if (succeeds(java.util.stream.Stream.concat(USER_NAMESPACE.stream(), java.util.stream.Stream.of("true")).toList())) {
                LOG.info("Running the embedded PostgreSQL in a user namespace ({} cannot reach {})", user, dataDir);
                return new ProcessLauncher(USER_NAMESPACE, null);
            }
            throw new IOException("Running as root, the embedded PostgreSQL must run as user '" + user
                    + "', who cannot reach " + dataDir + ", and user namespaces are not available. Set"
                    + " RELAY_DATA_DIR to a directory that user can reach (for example /var/lib/alert-relay),"
                    + " or run as a non-root user.");
        }

        /** Gives the data directory to the server user (when there is one). */
        void prepare(Path dataDir) throws IOException {
            if (owner != null) {
                exec(List.of("chown", "-R", owner + ":", dataDir.toString()));
            }
            Files.setPosixFilePermissions(dataDir, Set.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        }

        Process start(List<String> command) throws IOException {
            List<String> full = new ArrayList<>(prefix);
            full.addAll(command);
            ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
            builder.environment().put("LC_ALL", "C");
            builder.directory(Path.of("/").toFile());
            return builder.start();
        }

        private static Path nearestExisting(Path dir) {
            Path p = dir;
            while (p != null && !Files.exists(p)) {
                p = p.getParent();
            }
            return p == null ? Path.of("/") : p;
        }

        private static boolean canReach(String user, Path dir) {
            return succeeds(List.of("runuser", "-u", user, "--", "test", "-x", dir.toString()));
        }

        private static boolean succeeds(List<String> command) {
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                return waitFor(p, 10) == 0;
            } catch (IOException e) {
                return false;
            }
        }

        private static void exec(List<String> command) throws IOException {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (waitFor(p, 60) != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out.trim());
            }
        }

        private static boolean isRoot() {
            try {
                return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return "root".equals(System.getProperty("user.name"));
            }
        }

        private static boolean userExists(String name) {
            try {
                return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(name + ":"));
            } catch (IOException e) {
                return false;
            }
        }
    }
}
