package io.alertrelay.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Route files edited live: good edits apply, broken ones are refused in one line and the old routes keep serving. */
class RouteReloadGuardTest {

    private static final String FLAG = "{\"reason\":\"counterfeit\",\"severity\":\"high\"}";
    private static Path routes;
    private static TestRelay relay;
    private static String foodCode;
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    @BeforeAll
    static void startRelayOnACopyOfTheRoutes() throws IOException {
        routes = TestRelay.copyOfRoutes();
        LOGS.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
        relay = TestRelay.start(Map.of("relay.routes-dir", routes.toString(), "relay.routes.reload", "true"));
        foodCode = Catalogue.newCode(relay, "food");
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
        relay.close();
    }

    @Test
    void goodEditAppliesBrokenEditsAreRejectedInOneLineWhileTheOldRouteServesAndAFixApplies() throws IOException {
        Path routing = routes.resolve("agency-routing.camel.yaml");
        String original = Files.readString(routing);
        assertThat(agenciesForFood()).isEqualTo("[\"FIRS\"]");

        String good = original.replace("constant: FIRS", "constant: FIRS,NAFDAC");
        save(routing, good);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> agenciesForFood().equals("[\"FIRS\",\"NAFDAC\"]"));

        Map<String, String> broken = new java.util.LinkedHashMap<>();
        broken.putAll(Map.of(
                "bad YAML", good.replace("            when:", "            when: [unclosed"),
                "unknown EIP", good.replace("- setProperty:\n                      name: agencies\n                      constant: FIRS,NAFDAC",
                        "- setPropertyy:\n                      name: agencies\n                      constant: FIRS,NAFDAC"),
                "unresolvable endpoint", good.replace("      steps:\n        - choice:",
                        "      steps:\n        - to:\n            uri: nosuchcomponent:anywhere\n        - choice:")));
        for (var edit : broken.entrySet()) {
            assertThat(edit.getValue()).as(edit.getKey()).isNotEqualTo(good);
            int errorsBefore = errors().size();
            save(routing, edit.getValue());
            await().atMost(Duration.ofSeconds(30)).until(() -> errors().size() > errorsBefore);
            List<ILoggingEvent> fresh = errors().subList(errorsBefore, errors().size());
            assertThat(fresh).as(edit.getKey()).hasSize(1);
            String line = fresh.get(0).getFormattedMessage();
            assertThat(line).as(edit.getKey()).contains("agency-routing.camel.yaml").contains("rejected")
                    .doesNotContain("\n");
            assertThat(fresh.get(0).getThrowableProxy()).isNull();
            // the previous routing still answers
            assertThat(agenciesForFood()).as(edit.getKey()).isEqualTo("[\"FIRS\",\"NAFDAC\"]");
            assertThat(relay.app().camel().getRouteController().getRouteStatus("choose-agencies").isStarted()).isTrue();
        }
        assertThat(errors().stream().map(ILoggingEvent::getFormattedMessage))
                .anySatisfy(m -> assertThat(m).contains("nosuchcomponent"))
                .anySatisfy(m -> assertThat(m).contains("setPropertyy"))
                .anySatisfy(m -> assertThat(m).contains("line " + lineOf(good, "            when:")));

        save(routing, original.replace("constant: FIRS", "constant: FIRS,NAFDAC-COSMETICS"));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> agenciesForFood().equals("[\"FIRS\",\"NAFDAC-COSMETICS\"]"));
    }

    @Test
    void aNewFileReusingARouteIdOfAnotherFileIsRejected() throws IOException {
        int errorsBefore = errors().size();
        save(routes.resolve("copy-of-routing.camel.yaml"), Files.readString(Path.of("routes", "agency-routing.camel.yaml"))
                .replace("constant: FIRS", "constant: NOBODY"));
        await().atMost(Duration.ofSeconds(30)).until(() -> errors().size() > errorsBefore);
        assertThat(errors().get(errorsBefore).getFormattedMessage()).contains("copy-of-routing.camel.yaml")
                .contains("choose-agencies").contains("already defined in");
        assertThat(agenciesForFood()).doesNotContain("NOBODY");
    }

    private static List<ILoggingEvent> errors() {
        return LOGS.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)).toList();
    }

    private static String agenciesForFood() {
        var answer = relay.postJson("/api/codes/" + foodCode + "/flag", FLAG);
        assertThat(answer.statusCode()).isEqualTo(202);
        return relay.json(answer).get("agencies").toString();
    }

    /** Saves as careful editors do: write beside, then rename over the file in one step. */
    private static void save(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The 1-based line of the first line of {@code text} that starts with {@code prefix}. */
    private static int lineOf(String text, String prefix) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("no line starts with " + prefix);
    }
}
