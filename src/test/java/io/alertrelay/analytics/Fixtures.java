package io.alertrelay.analytics;

import io.alertrelay.support.TestAgencies.Agency;
import io.alertrelay.support.TestRelay;

import java.time.OffsetDateTime;
import java.util.UUID;

/** Hand-made rows for analytics tests: flags at chosen times, the outbox rows that tell agencies, attempts. */
final class Fixtures {

    private Fixtures() {
    }

    /** A flag on {@code code} created at {@code at}. */
    static UUID flag(TestRelay relay, String code, String severity, String reason, OffsetDateTime at) {
        UUID id = UUID.randomUUID();
        relay.update("INSERT INTO flags (id, code_id, reason, severity, correlation_id, created_at) "
                + "SELECT ?, id, ?, ?, ?, ? FROM product_codes WHERE code = ?", id, reason, severity, "fixture-" + id, at, code);
        return id;
    }

    /** The code.flagged outbox row telling {@code agency} of {@code flag}, already finished with {@code status}. */
    static UUID told(TestRelay relay, Agency agency, UUID flag, String status, OffsetDateTime at) {
        UUID id = UUID.randomUUID();
        relay.update("INSERT INTO deliveries (id, flag_id, agency_id, event_type, payload, status, correlation_id, created_at) "
                + "VALUES (?, ?, ?, 'code.flagged', '{}', ?, ?, ?)", id, flag, agency.id(), status, "fixture-" + id, at);
        return id;
    }

    static void attempt(TestRelay relay, Agency agency, UUID delivery, String outcome, OffsetDateTime at) {
        relay.update("INSERT INTO webhook_logs (delivery_id, agency_id, attempt, outcome, http_status, duration_ms, created_at) "
                + "VALUES (?, ?, 1, ?, ?, 5, ?)", delivery, agency.id(), outcome, "delivered".equals(outcome) ? 200 : 500, at);
    }

    /** A manufacturer of {@code category} with no products. */
    static void manufacturer(TestRelay relay, String category) {
        relay.update("INSERT INTO manufacturers (name, category, country) VALUES (?, ?, 'NG')",
                "Fixture maker " + UUID.randomUUID(), category);
    }
}
