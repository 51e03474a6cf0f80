package io.alertrelay.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads named SQL from src/main/resources/sql, so statements live in files rather than strings. */
public final class SqlStatements {

    private SqlStatements() {
    }

    public static String load(String name) {
        String path = "/sql/" + name + ".sql";
        try (InputStream in = SqlStatements.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing SQL resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
