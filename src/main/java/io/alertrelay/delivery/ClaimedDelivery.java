package io.alertrelay.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/**
 * A delivery this instance holds the lease on, with what it needs to send it. Its target is an
 * agency's webhook, or a subscription's target when {@code subscriptionId} is present (then
 * {@code agencyId} is the linked agency, 0 for none, and {@code agency} the 'subscription:name' key).
 * {@code leasedAtNanos} is when this instance took (or last renewed) the lease, by {@link System#nanoTime()}.
 */
public record ClaimedDelivery(UUID id, Optional<UUID> flagId, long agencyId, String agency, String webhookUrl,
                             Optional<String> secretEnc, String customHeadersJson, Optional<String> caseNumberField,
                             String eventType, String payload, int severityRank, int attempts, int retryRound,
                             String correlationId, Optional<Long> subscriptionId, long leasedAtNanos) {

    /** The agency whose quota and records this delivery belongs to, if any. */
    public Optional<Long> agencyRef() {
        return agencyId > 0 ? Optional.of(agencyId) : Optional.empty();
    }

    /** The same delivery with its lease renewed now. */
    public ClaimedDelivery leaseRenewed() {
        return new ClaimedDelivery(id, flagId, agencyId, agency, webhookUrl, secretEnc, customHeadersJson,
                caseNumberField, eventType, payload, severityRank, attempts, retryRound, correlationId,
                subscriptionId, System.nanoTime());
    }

    /**
     * Reads the current row of a statement that leased deliveries and returns their targets (the claim
     * statements, via delivery-claimed-select.sql, and the intake's record-flag.sql).
     */
    public static ClaimedDelivery read(ResultSet rs) throws SQLException {
        return new ClaimedDelivery(rs.getObject("id", UUID.class),
                Optional.ofNullable(rs.getObject("flag_id", UUID.class)), rs.getLong("agency_id"),
                rs.getString("agency"), rs.getString("webhook_url"),
                Optional.ofNullable(rs.getString("secret_enc")), rs.getString("custom_headers"),
                Optional.ofNullable(rs.getString("case_number_field")), rs.getString("event_type"),
                rs.getString("payload"), rs.getInt("severity_rank"), rs.getInt("attempts"),
                rs.getInt("retry_round"), rs.getString("correlation_id"),
                Optional.ofNullable((Long) rs.getObject("subscription_id")), System.nanoTime());
    }
}
