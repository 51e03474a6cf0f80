package io.alertrelay.support;

import io.alertrelay.signing.SecretCipher;
import io.alertrelay.signing.WebhookSecrets;

import java.util.UUID;

/** Test-owned agencies with their own webhook URL and secret, and outbox rows for them. */
public final class TestAgencies {

    /** An agency as a test knows it: its name, id and plaintext secret. */
    public record Agency(String name, long id, String secret) {
    }

    private TestAgencies() {
    }

    public static Agency create(TestRelay relay, String webhookUrl, int perHour, int perDay) {
        String name = "TEST-AGENCY-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        String secret = WebhookSecrets.generate();
        String enc = new SecretCipher(TestRelay.MASTER_KEY).encrypt(secret);
        relay.update("INSERT INTO agencies (name, webhook_url, secret_enc, custom_headers) VALUES (?, ?, ?, ?::jsonb)",
                name, webhookUrl, enc, "{\"X-Agency-Token\":\"token-" + name + "\"}");
        long id = ((Number) relay.queryValue("SELECT id FROM agencies WHERE name = ?", name)).longValue();
        relay.update("INSERT INTO agency_rate_limits (agency_id, alerts_per_hour, alerts_per_day) VALUES (?, ?, ?)",
                id, perHour, perDay);
        return new Agency(name, id, secret);
    }

    public static Agency create(TestRelay relay, String webhookUrl) {
        return create(relay, webhookUrl, 100_000, 1_000_000);
    }

    /** Puts one code.flagged delivery for the agency into the outbox; the poller picks it up. */
    public static UUID enqueue(TestRelay relay, Agency agency, String severity) {
        UUID id = UUID.randomUUID();
        int rank = switch (severity) {
            case "critical" -> 4;
            case "high" -> 3;
            case "medium" -> 2;
            default -> 1;
        };
        String payload = "{\"type\":\"code.flagged\",\"timestamp\":\"2026-11-22T10:00:00Z\",\"data\":{\"code\":\"TEST-"
                + id + "\",\"severity\":\"" + severity + "\"}}";
        relay.update("INSERT INTO deliveries (id, agency_id, event_type, payload, severity_rank, correlation_id) "
                + "VALUES (?, ?, 'code.flagged', ?, ?, ?)", id, agency.id(), payload, rank, "corr-" + id);
        return id;
    }

    public static String status(TestRelay relay, UUID delivery) {
        return (String) relay.queryValue("SELECT status FROM deliveries WHERE id = ?", delivery);
    }

    public static long count(TestRelay relay, String sql, Object... params) {
        return ((Number) relay.queryValue(sql, params)).longValue();
    }
}
