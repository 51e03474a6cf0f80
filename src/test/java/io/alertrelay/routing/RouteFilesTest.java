package io.alertrelay.routing;

import io.alertrelay.support.TestRelay;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every routes/*.camel.yaml loads, and every route has an explicit id and a description. */
class RouteFilesTest {

    @Test
    void everyRouteFileLoadsWithIdsAndDescriptions() throws Exception {
        TestRelay relay = TestRelay.shared();
        List<Route> routes = relay.app().camel().getRoutes();
        assertThat(routes).isNotEmpty();
        for (Route route : routes) {
            assertThat(route.getRouteId()).doesNotStartWith("route");
            assertThat(route.getDescription()).as(route.getRouteId()).isNotBlank();
        }
        try (var files = Files.list(Path.of("routes"))) {
            List<String> sources = routes.stream().map(Route::getSourceResource)
                    .map(r -> r == null ? "" : r.getLocation()).toList();
            files.filter(f -> f.toString().endsWith(".camel.yaml") && !f.getFileName().toString().startsWith("route-configurations"))
                    .forEach(f -> assertThat(sources).anyMatch(s -> s.endsWith(f.getFileName().toString())));
        }
        assertThat(relay.app().camel().getRoute("choose-agencies")).isNotNull();
        assertThat(relay.app().camel().getRoute("flag-intake")).isNotNull();
    }
}
