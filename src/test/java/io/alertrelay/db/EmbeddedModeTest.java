package io.alertrelay.db;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.alertrelay.security.RelaySecurity;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

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
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        Logger security = (Logger) LoggerFactory.getLogger(RelaySecurity.class);
        security.addAppender(logged);
        try (TestRelay relay = TestRelay.start(embedded)) {
            // the start log hands a newcomer a working admin token
            String line = logged.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.startsWith("Admin token (SUPER_ADMIN, valid 24h): ")).findFirst().orElseThrow();
            String token = line.substring(line.indexOf(": ") + 2);
            assertThat(relay.request("GET", "/api/admin/audit", token, null, null).statusCode()).isEqualTo(200);
            assertThat(relay.request("GET", "/api/admin/audit", null, null, null).statusCode()).isEqualTo(401);

            var r = relay.postJson("/api/codes/DEMO-FOOD-0007/flag", "{\"reason\":\"expired\",\"severity\":\"medium\"}");
            assertThat(r.statusCode()).isEqualTo(202);
            assertThat(relay.json(r).get("agencies").toString()).isEqualTo("[\"FIRS\"]");
            flagId = relay.json(r).get("flagId").asText();
        }
        security.detachAppender(logged);
        assertThat(Files.exists(dataDir.resolve("postgres/PG_VERSION"))).isTrue();
        assertThat(Files.exists(dataDir.resolve("relay-secrets.properties"))).isTrue();

        try (TestRelay again = TestRelay.start(embedded)) {
            var r = again.get("/api/flags/" + flagId);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(again.json(r).get("code").asText()).isEqualTo("DEMO-FOOD-0007");
        }
    }
}
