package io.alertrelay.intake;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How bad a flag is; the rank orders deferred alerts (most severe released first). */
public enum Severity {
    LOW(1), MEDIUM(2), HIGH(3), CRITICAL(4);

    private final int rank;

    Severity(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Severity> parse(String value) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst();
    }

    public static String allowed() {
        return String.join(", ", Arrays.stream(values()).map(Severity::wire).toList());
    }
}
