package io.alertrelay.bench;

import io.alertrelay.signing.SecretCipher;
import io.alertrelay.signing.WebhookSecrets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the relay needs before the bench drives flags: the demo agencies pointed at the bench's receiver
 * with fresh secrets, their quotas out of the way, and product codes for every phase
 * ({@code BENCH-<phase>-<category letter>-<nnnnnn>}).
 */
final class BenchCatalogue {

    static final List<String> AGENCY_NAMES = List.of("NAFDAC", "FIRS", "NAFDAC-COSMETICS");
    /** Category letter in bench codes -> category. */
    static final Map<String, String> CATEGORIES = Map.of("D", "drugs", "F", "food", "C", "cosmetics", "O", "other");

    /** The codes of one phase: {@code perLetter} codes of each category letter. */
    record PhaseCodes(String phase, List<String> letters, int perLetter) {
    }

    private BenchCatalogue() {
    }

    /**
     * Sets it all up and returns each agency's new webhook secret.
     */
    static Map<String, String> setUp(Options opt, VerifyingReceiver receiver, List<PhaseCodes> codes)
            throws Exception {
        SecretCipher cipher = new SecretCipher(opt.masterKey());
        Map<String, String> secrets = new HashMap<>();
        try (Connection c = RelayDatabase.connect(opt)) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE agencies SET webhook_url = ?, webhook_active = true, "
                    + "secret_enc = ? WHERE name = ?")) {
                for (String a : AGENCY_NAMES) {
                    String secret = WebhookSecrets.generate();
                    secrets.put(a, secret);
                    ps.setString(1, receiver.url(a));
                    ps.setString(2, cipher.encrypt(secret));
                    ps.setString(3, a);
                    if (ps.executeUpdate() != 1) {
                        throw new IllegalStateException("demo agency " + a + " missing: is RELAY_DEMO_DATA on?");
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE agency_rate_limits SET alerts_per_hour = 2000000000, alerts_per_day = 2000000000, "
                        + "hour_count = 0, day_count = 0, throttled_until = NULL");
                for (Map.Entry<String, String> cat : CATEGORIES.entrySet()) {
                    s.executeUpdate("INSERT INTO manufacturers (name, category, country) VALUES ('Bench " + cat.getValue()
                            + "', '" + cat.getValue() + "', 'NG') ON CONFLICT (name) DO NOTHING");
                    s.executeUpdate("INSERT INTO products (manufacturer_id, name, registration_number) "
                            + "SELECT id, 'Bench product', 'BENCH-REG' FROM manufacturers WHERE name = 'Bench "
                            + cat.getValue() + "' ON CONFLICT DO NOTHING");
                    s.executeUpdate("INSERT INTO batches (product_id, batch_number, expires_on) SELECT p.id, 'B1', "
                            + "current_date + 365 FROM products p JOIN manufacturers m ON m.id = p.manufacturer_id "
                            + "WHERE m.name = 'Bench " + cat.getValue() + "' ON CONFLICT DO NOTHING");
                }
                for (PhaseCodes phase : codes) {
                    for (String letter : phase.letters()) {
                        s.executeUpdate("INSERT INTO product_codes (code, batch_id) SELECT format('BENCH-" + phase.phase()
                                + "-" + letter + "-%s', lpad(g::text, 6, '0')), b.id FROM generate_series(1, "
                                + phase.perLetter() + ") g, batches b JOIN products p ON p.id = b.product_id JOIN "
                                + "manufacturers m ON m.id = p.manufacturer_id WHERE m.name = 'Bench "
                                + CATEGORIES.get(letter) + "' ON CONFLICT (code) DO NOTHING");
                    }
                }
                s.execute("ANALYZE");
            }
        }
        return secrets;
    }
}
