package io.alertrelay.routing;

import io.alertrelay.ops.GuardedRouteReload;
import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An ops edit saved while clients flag continuously: requests that arrive during the swap wait for
 * the new routes, the ones in flight finish on the old ones, and not one of them fails.
 */
class RouteReloadUnderLoadTest {

    private static final String FLAG = "{\"reason\":\"counterfeit\",\"severity\":\"high\"}";
    private static Path routes;
    private static TestRelay relay;

    @BeforeAll
    static void start() {
        routes = TestRelay.copyOfRoutes();
        relay = TestRelay.start(Map.of("relay.routes-dir", routes.toString(), "relay.routes.reload", "true",
                "relay.http.client-rate-limit.per-minute", "1000000"));
    }

    @AfterAll
    static void stop() {
        relay.close();
    }

    @Test
    void savingTheRoutingFileUnderLoadFailsNoRequest() throws Exception {
        String code = Catalogue.newCode(relay, "food");
        try (Load load = new Load(code)) {
            load.awaitRequests(200);
            save("agency-routing.camel.yaml", "constant: FIRS\n", "constant: FIRS,NAFDAC\n");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(load.lastAgencies()).isEqualTo("[\"FIRS\",\"NAFDAC\"]"));
            load.awaitRequests(load.requests() + 200);
            assertNoFailures(load);
        }
    }

    @Test
    void savingTheIntakeFileUnderLoadFailsNoRequest() throws Exception {
        String code = Catalogue.newCode(relay, "drugs");
        for (int round = 0; round < 3; round++) {
            try (Load load = new Load(code)) {
                load.awaitRequests(200);
                Object before = relay.app().camel().getRoute("flag-status");
                save("flag-intake.camel.yaml", "description: Show a flag", "description: Show a flag (" + round + ")");
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    Object now = relay.app().camel().getRoute("flag-status");
                    return now != null && now != before;
                });
                load.awaitRequests(load.requests() + 200);
                assertNoFailures(load);
            }
        }
    }

    @Test
    void savingEveryRouteFileUnderLoadFailsNoRequestAndKeepsEveryRoute() throws Exception {
        String code = Catalogue.newCode(relay, "cosmetics");
        var camel = relay.app().camel();
        GuardedRouteReload reload = camel.hasService(GuardedRouteReload.class);
        Map<String, String> routesBefore = routeStates(camel);
        List<Path> files;
        try (var list = Files.list(routes)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(10);
        try (Load load = new Load(code)) {
            load.awaitRequests(100);
            for (Path file : files) {
                long reloadsBefore = reload.getReloadCounter();
                String name = file.getFileName().toString();
                save(name, "", "# saved under load\n");
                await(name).atMost(Duration.ofSeconds(30)).until(() -> reload.getReloadCounter() > reloadsBefore);
            }
            load.awaitRequests(load.requests() + 100);
            assertNoFailures(load);
        }
        assertThat(reload.getFailedCounter()).isZero();
        assertThat(routeStates(camel)).as("every route, in the state it was in").isEqualTo(routesBefore);
    }

    private static Map<String, String> routeStates(org.apache.camel.CamelContext camel) {
        Map<String, String> states = new java.util.TreeMap<>();
        camel.getRoutes().forEach(r -> states.put(r.getRouteId(),
                String.valueOf(camel.getRouteController().getRouteStatus(r.getRouteId()))));
        return states;
    }

    private static void assertNoFailures(Load load) {
        assertThat(load.failures).as("answers other than 202 during the reload (of %d requests)", load.requests())
                .isEmpty();
    }

    /** An editor's atomic save: the new text is written beside the file and moved over it ({@code from} empty: {@code to} is put first). */
    private static void save(String file, String from, String to) throws Exception {
        Path target = routes.resolve(file);
        String text = Files.readString(target);
        assertThat(text).contains(from);
        Path temp = Files.createTempFile(routes.getParent(), file, ".tmp");
        Files.writeString(temp, from.isEmpty() ? to + text : text.replace(from, to));
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Four clients flagging one code as fast as the relay answers. */
    private static final class Load implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger requests = new AtomicInteger();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final ConcurrentMap<String, String> last = new ConcurrentHashMap<>();
        private final List<Thread> clients = new CopyOnWriteArrayList<>();

        Load(String code) {
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        try {
                            HttpResponse<String> r = relay.postJson("/api/codes/" + code + "/flag", FLAG);
                            if (r.statusCode() == 202) {
                                last.put("agencies", relay.json(r).get("agencies").toString());
                            } else {
                                failures.add(r.statusCode() + " " + r.body());
                            }
                        } catch (RuntimeException e) {
                            failures.add(e.toString());
                        }
                        requests.incrementAndGet();
                    }
                }, "flag-load-" + i);
                t.start();
                clients.add(t);
            }
        }

        int requests() {
            return requests.get();
        }

        String lastAgencies() {
            return last.get("agencies");
        }

        void awaitRequests(int n) {
            await().atMost(Duration.ofSeconds(60)).until(() -> requests.get() >= n);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread t : clients) {
                t.join(30_000);
            }
        }
    }
}
