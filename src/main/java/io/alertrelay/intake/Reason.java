package io.alertrelay.intake;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Why a code was flagged. */
public enum Reason {
    COUNTERFEIT, SUSPICIOUS, BLACKLISTED, EXPIRED, OTHER;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Reason> parse(String value) {
        return Arrays.stream(values()).filter(r -> r.wire().equals(value)).findFirst();
    }

    public static String allowed() {
        return String.join(", ", Arrays.stream(values()).map(Reason::wire).toList());
    }
}
