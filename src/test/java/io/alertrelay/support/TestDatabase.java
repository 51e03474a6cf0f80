package io.alertrelay.support;

import io.alertrelay.db.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** One real PostgreSQL for the whole test run, started the same root-safe way as the product. */
public final class TestDatabase {

    private static EmbeddedPostgres server;

    private TestDatabase() {
    }

    public static synchronized String jdbcUrl() {
        if (server == null) {
            try {
                // outside /root so the unprivileged server user can reach it
                Path dir = TestRelay.tempDir();
                server = EmbeddedPostgres.start(dir.resolve("pgdata"), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server.jdbcUrl();
    }
}
