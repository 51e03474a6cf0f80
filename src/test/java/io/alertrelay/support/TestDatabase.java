package io.alertrelay.support;

import io.alertrelay.db.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server for the whole test run, started the same root-safe way as the product.
 * The shared relay uses its {@code relay} database; a relay that must not see the shared relay's
 * pollers (timings, breakers) gets a database of its own on the same server.
 */
public final class TestDatabase {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final java.util.List<Runnable> BEFORE_STOP = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static EmbeddedPostgres server;

    private TestDatabase() {
    }

    public static synchronized String jdbcUrl() {
        return server().jdbcUrl();
    }

    /** Runs {@code stop} at the end of the test run, before the server stops. */
    public static void beforeServerStops(Runnable stop) {
        BEFORE_STOP.add(stop);
    }

    /**
     * At the end of the test run (TestRelay's shutdown hook): relays first, as they still work the
     * database while stopping, then the server.
     */
    static synchronized void stop() {
        if (server != null) {
            BEFORE_STOP.forEach(Runnable::run);
            server.close();
            server = null;
        }
    }

    /** A new, empty database on the shared server (the relay migrates it on start). */
    public static String newDatabase() {
        EmbeddedPostgres pg = server();
        String name = "relay_isolated_" + DATABASES.incrementAndGet();
        String admin = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres";
        try (Connection c = DriverManager.getConnection(admin, EmbeddedPostgres.USER, "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + name;
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                // outside /root so the unprivileged server user can reach it
                Path dir = TestRelay.tempDir();
                server = EmbeddedPostgres.start(dir.resolve("pgdata"), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }
}
