package io.alertrelay.intake;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How bad a flag is; the rank orders deferred alerts (most severe released first). */
public enum Severity {
    LOW(1), MEDIUM(2), HIGH(3), CRITICAL(4);

    // computed once: every flag request parses and writes these
    private static final Severity[] ALL = values();
    private static final String ALLOWED = String.join(", ", Arrays.stream(ALL).map(Severity::wire).toList());

    private final int rank;
    private final String wire;

    Severity(int rank) {
        this.rank = rank;
        this.wire = name().toLowerCase(Locale.ROOT);
    }

    public int rank() {
        return rank;
    }

    public String wire() {
        return wire;
    }

    public static Optional<Severity> parse(String value) {
        for (Severity s : ALL) {
            if (s.wire.equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public static String allowed() {
        return ALLOWED;
    }
}
