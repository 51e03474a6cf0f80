package io.alertrelay;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dependency direction of docs/architecture.md, checked on the sources: a package imports only
 * packages of a lower layer (the wiring in io.alertrelay itself sees everything). A new package gets a
 * layer here and in the document.
 */
class ArchitectureTest {

    /** Layer of each package: 0 is the bottom. */
    static final Map<String, Integer> LAYERS = Map.ofEntries(
            Map.entry("db", 0), Map.entry("http", 0), Map.entry("signing", 0),
            Map.entry("config", 1),
            Map.entry("security", 2), Map.entry("quota", 2), Map.entry("transport", 2),
            Map.entry("delivery", 3),
            Map.entry("intake", 4),
            Map.entry("events", 5),
            Map.entry("partners", 6),
            Map.entry("analytics", 7), Map.entry("admin", 7), Map.entry("dashboard", 7), Map.entry("demo", 7),
            Map.entry("schedules", 8),
            Map.entry("ops", 9));

    private static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?io\\.alertrelay\\.([a-z]+)\\.|io\\.alertrelay\\.([a-z]+)\\.[A-Z]");

    @Test
    void everyPackageImportsOnlyLowerLayers() throws IOException {
        Path root = Path.of("src/main/java/io/alertrelay");
        List<String> backEdges = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                String pkg = dir.getFileName().toString();
                assertThat(LAYERS).as("layer of package " + pkg + " (add it here and in docs/architecture.md)").containsKey(pkg);
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                        Matcher m = IMPORT.matcher(Files.readString(file));
                        while (m.find()) {
                            String used = m.group(1) != null ? m.group(1) : m.group(2);
                            if (!used.equals(pkg) && LAYERS.containsKey(used) && LAYERS.get(used) >= LAYERS.get(pkg)) {
                                backEdges.add(pkg + " -> " + used + " (" + root.relativize(file) + ")");
                            }
                        }
                    }
                }
            }
        }
        assertThat(backEdges).as("imports against the layering").isEmpty();
    }
}
