package io.alertrelay.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestRelay;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A flag's correlation id is in the log context at intake and in every delivery attempt, and in the JSON log fields. */
class CorrelationLogTest {

    @Test
    void correlationIdFollowsAFlagFromIntakeThroughEachDeliveryAttemptIntoTheJsonLog() {
        Logger trail = (Logger) LoggerFactory.getLogger("io.alertrelay.trail");
        Level before = trail.getLevel();
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        trail.addAppender(events);
        trail.setLevel(Level.DEBUG);
        // the agency fails twice (retried in process), then accepts: three attempts, one correlation id
        try (AgencyReceiver agency = new AgencyReceiver()
                .thenReply(AgencyReceiver.Reply.status(503), AgencyReceiver.Reply.status(500));
             TestRelay relay = TestRelay.start(Map.of())) {
            relay.update("UPDATE agencies SET webhook_url = ? WHERE name = 'FIRS'", agency.url("/firs"));
            String code = Catalogue.newCode(relay, "food");
            String correlationId = "corr-" + UUID.randomUUID();
            var answer = relay.postJson("/api/codes/" + code + "/flag", "{\"reason\":\"counterfeit\",\"severity\":\"high\"}",
                    "X-Correlation-Id", correlationId);
            assertThat(answer.statusCode()).isEqualTo(202);
            String flagId = relay.json(answer).get("flagId").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> agency.received().size() == 3
                    && events.list.stream().anyMatch(e -> e.getFormattedMessage().contains("attempt delivered")));

            List<ILoggingEvent> mine = events.list.stream()
                    .filter(e -> correlationId.equals(e.getMDCPropertyMap().get("correlationId"))).toList();
            assertThat(mine).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("Flag " + flagId + " accepted"));
            List<ILoggingEvent> attempts = mine.stream().filter(e -> e.getFormattedMessage().startsWith("Delivery attempt")).toList();
            assertThat(attempts).hasSize(3);
            String deliveryId = agency.received().get(0).header("webhook-id");
            assertThat(attempts).allSatisfy(e -> {
                assertThat(e.getMDCPropertyMap()).containsEntry("deliveryId", deliveryId).containsEntry("agency", "FIRS");
            });
            assertThat(attempts.get(2).getFormattedMessage()).contains("delivered");
            assertThat(agency.received()).allSatisfy(r -> assertThat(r.header("x-correlation-id")).isEqualTo(correlationId));

            LogstashEncoder json = new LogstashEncoder();
            json.setContext(trail.getLoggerContext());
            json.start();
            String line = new String(json.encode(attempts.get(0)), StandardCharsets.UTF_8);
            assertThat(line).contains("\"correlationId\":\"" + correlationId + "\"")
                    .contains("\"deliveryId\":\"" + deliveryId + "\"").contains("\"agency\":\"FIRS\"");
        } finally {
            trail.detachAppender(events);
            trail.setLevel(before);
        }
    }
}
