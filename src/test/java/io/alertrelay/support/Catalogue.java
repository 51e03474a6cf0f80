package io.alertrelay.support;

import java.util.UUID;

/** Test-owned catalogue rows, so tests never share codes with each other. */
public final class Catalogue {

    private Catalogue() {
    }

    /** A new code of the given category (manufacturer, product and batch created with it). */
    public static String newCode(TestRelay relay, String category) {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        relay.update("INSERT INTO manufacturers (name, category, country) VALUES (?, ?, 'NG')", "Test maker " + tag, category);
        relay.update("INSERT INTO products (manufacturer_id, name) SELECT id, ? FROM manufacturers WHERE name = ?",
                "Test product " + tag, "Test maker " + tag);
        relay.update("INSERT INTO batches (product_id, batch_number) SELECT id, ? FROM products WHERE name = ?",
                "B-" + tag, "Test product " + tag);
        String code = "TEST-" + category.toUpperCase() + "-" + tag;
        relay.update("INSERT INTO product_codes (code, batch_id) SELECT ?, id FROM batches WHERE batch_number = ?",
                code, "B-" + tag);
        return code;
    }
}
