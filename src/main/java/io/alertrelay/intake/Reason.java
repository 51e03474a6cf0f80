package io.alertrelay.intake;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Why a code was flagged. */
public enum Reason {
    COUNTERFEIT, SUSPICIOUS, BLACKLISTED, EXPIRED, OTHER;

    // computed once: every flag request parses and writes these
    private static final Reason[] ALL = values();
    private static final String ALLOWED = String.join(", ", Arrays.stream(ALL).map(Reason::wire).toList());

    private final String wire = name().toLowerCase(Locale.ROOT);

    public String wire() {
        return wire;
    }

    public static Optional<Reason> parse(String value) {
        for (Reason r : ALL) {
            if (r.wire.equals(value)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    public static String allowed() {
        return ALLOWED;
    }
}
