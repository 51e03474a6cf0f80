package io.alertrelay.delivery;

import java.util.Optional;
import java.util.UUID;

/**
 * A delivery this instance holds the lease on, with what it needs to send it. Its target is an
 * agency's webhook, or a subscription's target when {@code subscriptionId} is present (then
 * {@code agencyId} is the linked agency, 0 for none, and {@code agency} the 'subscription:name' key).
 */
public record ClaimedDelivery(UUID id, Optional<UUID> flagId, long agencyId, String agency, String webhookUrl,
                             Optional<String> secretEnc, String customHeadersJson, Optional<String> caseNumberField,
                             String eventType, String payload, int severityRank, int attempts, int retryRound,
                             String correlationId, Optional<Long> subscriptionId) {

    /** The agency whose quota and records this delivery belongs to, if any. */
    public Optional<Long> agencyRef() {
        return agencyId > 0 ? Optional.of(agencyId) : Optional.empty();
    }
}
