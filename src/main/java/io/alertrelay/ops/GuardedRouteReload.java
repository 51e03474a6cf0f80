package io.alertrelay.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Camel's route watcher with a guard: an edited route file is checked first ({@link RouteFileCheck})
 * and, when broken, rejected with one log line naming the file and the problem while the routes
 * already running keep serving. Only routes with the file's ids are replaced (never all routes), and
 * if replacing still fails the file's last good version is loaded back.
 * <p>
 * A swap fails no request: while routes are replaced, new HTTP requests wait at a {@link RouteSwapGate}
 * and the ones in flight are finished first (at most {@code relay.routes.reload-drain-ms}).
 */
public final class GuardedRouteReload extends RouteWatcherReloadStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedRouteReload.class);

    private final Map<String, String> lastGood = new ConcurrentHashMap<>();
    private final Path folder;
    private final RouteSwapGate gate = new RouteSwapGate();
    private final Duration drain;

    public GuardedRouteReload(Path folder, String pattern, Duration drain) {
        super(folder.toString(), false);
        this.folder = folder;
        this.drain = drain;
        setPattern(pattern);
        setRemoveAllRoutes(false);
    }

    @Override
    protected void doStart() throws Exception {
        try (var files = Files.list(folder)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    lastGood.put(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8));
                }
            }
        }
        super.doStart();
        getCamelContext().addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                gate.install(context);
            }
        });
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        if (resources == null || resources.isEmpty()) {
            super.onRouteReload(resources, removeEverything);
            return;
        }
        RouteFileCheck check = new RouteFileCheck(getCamelContext());
        for (Resource resource : resources) {
            if (!resource.exists()) {
                continue;
            }
            Optional<String> problem = blank(resource) ? Optional.empty() : check.problem(resource);
            if (problem.isPresent()) {
                LOG.error("Route file {} rejected, the previous routes keep running: {}", fileName(resource), problem.get());
                return;
            }
        }
        gate.install(getCamelContext());
        gate.close();
        try {
            gate.drain(drain);
            swap(resources);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            gate.open();
        }
    }

    private void swap(Collection<Resource> resources) {
        try {
            super.onRouteReload(resources, false);
            for (Resource resource : resources) {
                if (resource.exists()) {
                    lastGood.put(fileName(resource), read(resource));
                }
            }
        } catch (RuntimeException e) {
            String names = resources.stream().map(GuardedRouteReload::fileName).toList().toString();
            LOG.error("Route file {} passed the check but did not load, restoring its last good version: {}", names,
                    RouteFileCheck.oneLine(e));
            restore(resources);
        }
    }

    private void restore(Collection<Resource> resources) {
        for (Resource resource : resources) {
            String good = lastGood.get(fileName(resource));
            if (good == null) {
                continue;
            }
            try {
                PluginHelper.getRoutesLoader(getCamelContext())
                        .updateRoutes(List.of(ResourceHelper.fromString(resource.getLocation(), good)));
            } catch (Exception e) {
                LOG.error("Route file {} could not be restored: {}", fileName(resource), RouteFileCheck.oneLine(e));
            }
        }
    }

    /** An editor that truncates before writing shows an empty file for a moment: nothing to load yet. */
    private static boolean blank(Resource resource) {
        try {
            return read(resource).isBlank();
        } catch (java.io.UncheckedIOException e) {
            return false;
        }
    }

    private static String read(Resource resource) {
        try (InputStream in = resource.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String fileName(Resource resource) {
        String l = resource.getLocation().replace('\\', '/');
        return l.substring(l.lastIndexOf('/') + 1);
    }
}
