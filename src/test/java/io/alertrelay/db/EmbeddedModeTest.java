package io.alertrelay.db;

import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With no database configured the relay runs its own PostgreSQL, also as root, and keeps data across restarts. */
class EmbeddedModeTest {

    @Test
    void embeddedDatabaseStartsWithDemoDataAndKeepsFlagsAcrossRestarts() throws Exception {
        Path dataDir = TestRelay.tempDir().resolve("data");
        Map<String, String> embedded = new HashMap<>();
        embedded.put("relay.db.url", "");
        embedded.put("relay.db.user", "");
        embedded.put("relay.demo-data", "");
        embedded.put("relay.secrets.master-key", "");
        embedded.put("relay.auth.jwt-secret", "");
        embedded.put("relay.delivery.allow-private-targets", "");
        embedded.put("relay.data-dir", dataDir.toString());

        String flagId;
        try (TestRelay relay = TestRelay.start(embedded)) {
            var r = relay.postJson("/api/codes/DEMO-FOOD-0007/flag", "{\"reason\":\"expired\",\"severity\":\"medium\"}");
            assertThat(r.statusCode()).isEqualTo(202);
            assertThat(relay.json(r).get("agencies").toString()).isEqualTo("[\"FIRS\"]");
            flagId = relay.json(r).get("flagId").asText();
        }
        assertThat(Files.exists(dataDir.resolve("postgres/PG_VERSION"))).isTrue();
        assertThat(Files.exists(dataDir.resolve("relay-secrets.properties"))).isTrue();

        try (TestRelay again = TestRelay.start(embedded)) {
            var r = again.get("/api/flags/" + flagId);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(again.json(r).get("code").asText()).isEqualTo("DEMO-FOOD-0007");
        }
    }
}
