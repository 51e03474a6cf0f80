package io.alertrelay.ops;

import io.alertrelay.config.RelaySettings;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** docker-compose.yml parses and stays in step with the configuration contract, the image and the health probe. */
class ComposeFileTest {

    private static final List<String> CONTRACT = List.of("RELAY_HTTP_PORT", "RELAY_DB_URL", "RELAY_DB_USER",
            "RELAY_DB_PASSWORD", "RELAY_DATA_DIR", "RELAY_JWT_SECRET", "RELAY_MASTER_KEY", "RELAY_ALLOW_PRIVATE_TARGETS",
            "RELAY_DEMO_DATA");

    @Test
    void composeRunsPostgresTwoRelaysAndADemoAgencyWithContractEnvironmentHealthChecksAndVolumes() throws Exception {
        Map<String, Object> compose = map(new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("docker-compose.yml"))));
        Map<String, Object> services = map(compose.get("services"));
        assertThat(services).containsKeys("postgres", "relay-1", "relay-2", "demo-agency");
        Map<String, Object> postgres = map(services.get("postgres"));
        Map<String, Object> pgEnv = map(postgres.get("environment"));
        Map<String, Object> volumes = map(compose.get("volumes"));
        String dockerfile = Files.readString(Path.of("Dockerfile"));

        for (String name : List.of("relay-1", "relay-2", "demo-agency")) {
            Map<String, Object> relay = merged(map(services.get(name)));
            Map<String, Object> env = map(relay.get("environment"));
            assertThat(env).as(name).containsKeys(CONTRACT.toArray(String[]::new));
            assertThat(env.keySet()).as(name + " uses only contract names")
                    .allSatisfy(k -> assertThat(RelaySettings.ENVIRONMENT_CONTRACT).containsKey(k));
            assertThat(String.valueOf(env.get("RELAY_DB_URL"))).as(name)
                    .isEqualTo("jdbc:postgresql://postgres:5432/" + pgEnv.get("POSTGRES_DB"));
            assertThat(env.get("RELAY_DB_USER")).isEqualTo(pgEnv.get("POSTGRES_USER"));
            assertThat(env.get("RELAY_DB_PASSWORD")).isEqualTo(pgEnv.get("POSTGRES_PASSWORD"));
            String port = String.valueOf(env.get("RELAY_HTTP_PORT"));
            assertThat(String.valueOf(((List<?>) relay.get("ports")).get(0))).as(name).endsWith(":" + port);

            List<String> probe = ((List<?>) map(relay.get("healthcheck")).get("test")).stream().map(String::valueOf).toList();
            assertThat(probe).as(name).contains("io.alertrelay.ops.HealthProbe", "alert-relay.jar",
                    "http://127.0.0.1:" + port + "/observe/health/ready");
            Class.forName(String.valueOf(probe.get(probe.indexOf("io.alertrelay.ops.HealthProbe"))));
            assertThat(dockerfile).contains("WORKDIR /opt/alert-relay").contains("alert-relay.jar")
                    .as("the image's JVM takes JAVA_OPTS").contains("$JAVA_OPTS");

            String volume = String.valueOf(((List<?>) relay.get("volumes")).get(0));
            assertThat(volume).as(name).endsWith(":" + env.get("RELAY_DATA_DIR"));
            assertThat(volumes).containsKey(volume.substring(0, volume.indexOf(':')));
            map(relay.get("depends_on")).forEach((dependency, condition) -> {
                assertThat(services).containsKey(dependency);
                assertThat(map(condition).get("condition")).isEqualTo("service_healthy");
                assertThat(merged(map(services.get(dependency)))).containsKey("healthcheck");
            });
        }
        assertThat(String.valueOf(((List<?>) postgres.get("volumes")).get(0))).startsWith("pgdata:");
    }

    @Test
    void healthProbeExitsZeroForAReadyRelayAndOneForADeadPort() throws Exception {
        TestRelay relay = TestRelay.shared();
        assertThat(probe(relay.baseUrl() + "/observe/health/ready")).isZero();
        assertThat(probe("http://127.0.0.1:" + TestRelay.freePort() + "/observe/health/ready")).isEqualTo(1);
    }

    private static int probe(String url) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xmx32m", "-cp", cp, "io.alertrelay.ops.HealthProbe", url)
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    /** Applies YAML merge keys ({@code <<: *anchor}), which the YAML 1.2 loader leaves as plain keys. */
    private static Map<String, Object> merged(Map<String, Object> service) {
        Map<String, Object> out = new LinkedHashMap<>();
        Object base = service.get("<<");
        if (base != null) {
            out.putAll(map(base));
        }
        service.forEach((k, v) -> {
            if (!"<<".equals(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<Object, Object>) o).forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }
}
