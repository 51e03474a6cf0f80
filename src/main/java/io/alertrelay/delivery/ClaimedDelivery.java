package io.alertrelay.delivery;

import java.util.Optional;
import java.util.UUID;

/** A delivery this instance holds the lease on, with what it needs to send it. */
public record ClaimedDelivery(UUID id, Optional<UUID> flagId, long agencyId, String agency, String webhookUrl,
                             Optional<String> secretEnc, String customHeadersJson, Optional<String> caseNumberField,
                             String eventType, String payload, int severityRank, int attempts, int retryRound,
                             String correlationId) {
}
