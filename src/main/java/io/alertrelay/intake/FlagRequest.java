package io.alertrelay.intake;

import java.util.Optional;

/** A validated flag as the reporter sent it. */
public record FlagRequest(String code, Reason reason, Severity severity, Optional<String> note,
                          Optional<String> reportedBy, Optional<String> idempotencyKey) {

    /** What must match when an Idempotency-Key is used again. */
    public String fingerprint() {
        return code + "|" + reason.wire() + "|" + severity.wire();
    }
}
