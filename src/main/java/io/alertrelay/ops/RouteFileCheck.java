package io.alertrelay.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.Route;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.BeanRepository;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.PropertiesSource;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.support.PluginHelper;
import org.quartz.Scheduler;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Checks an edited route file before it may replace running routes: it is loaded into a throwaway
 * Camel context that sees the running application's beans, properties and route configurations but
 * starts nothing. Bad YAML, an unknown EIP or key, an unresolvable endpoint or component, a missing
 * bean, a broken expression, and a route id that another file already defines all fail here.
 * <p>
 * The application's components are not lent to it: a component belongs to one context (the check
 * would take it over, and stopping the check would leave the application's Quartz scheduler pointing
 * at a dead context). The check makes its own by scheme; its Quartz component has a scheduler of its
 * own, in memory, that never starts and is shut down with the check.
 */
public final class RouteFileCheck {

    private static final int MAX_PROBLEM_CHARS = 400;

    private final CamelContext running;

    public RouteFileCheck(CamelContext running) {
        this.running = running;
    }

    /** The problem with this file, in one line, or empty when it may be loaded. */
    public Optional<String> problem(Resource resource) {
        DefaultCamelContext check = new DefaultCamelContext(false);
        QuartzComponent quartz = checkQuartz();
        try {
            check.getCamelContextExtension().setRegistry(new DefaultRegistry(readOnly(running)));
            check.getCamelContextExtension().setName("route-check");
            check.setAutoStartup(false);
            check.setLoadTypeConverters(true);
            check.build();
            check.addComponent("quartz", quartz);
            check.getPropertiesComponent().addPropertiesSource(delegate(running.getPropertiesComponent()));
            PluginHelper.getRoutesLoader(check).loadRoutes(resource);
            Model model = check.getCamelContextExtension().getContextPlugin(Model.class);
            Optional<String> clash = idClash(resource, model);
            if (clash.isPresent()) {
                return clash;
            }
            Set<String> own = new LinkedHashSet<>();
            model.getRouteConfigurationDefinitions().forEach(c -> own.add(c.getId()));
            Model runningModel = running.getCamelContextExtension().getContextPlugin(Model.class);
            for (RouteConfigurationDefinition config : runningModel.getRouteConfigurationDefinitions()) {
                if (config.getId() == null || !own.contains(config.getId())) {
                    model.addRouteConfiguration(config);
                }
            }
            // reifies every route: endpoints, components, beans, expressions; consumers are not started
            check.start();
            return Optional.empty();
        } catch (Exception | LinkageError e) {
            return Optional.of(oneLine(e).replace("in " + resource.getLocation() + ", ", "at "));
        } finally {
            try {
                check.stop();
            } catch (RuntimeException ignored) {
                // the check context owns nothing the application needs
            }
            shutDown(quartz);
        }
    }

    private static QuartzComponent checkQuartz() {
        QuartzComponent quartz = new QuartzComponent();
        quartz.setAutoStartScheduler(false);
        quartz.setEnableJmx(false);
        quartz.setPrefixInstanceName(false);
        quartz.setProperties(Map.of(
                "org.quartz.scheduler.instanceName", "route-check-" + UUID.randomUUID(),
                "org.quartz.scheduler.skipUpdateCheck", "true",
                "org.quartz.threadPool.threadCount", "1",
                "org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore"));
        return quartz;
    }

    /** Its jobs are kept (the routes say deleteJob: false), so Camel leaves the scheduler running: end it. */
    private static void shutDown(QuartzComponent quartz) {
        try {
            Scheduler scheduler = quartz.getScheduler();
            if (scheduler != null && !scheduler.isShutdown()) {
                scheduler.shutdown(false);
            }
        } catch (Exception ignored) {
            // nothing was created, or it is already gone
        }
    }

    /** A route id in this file that a route loaded from another file already uses. */
    private Optional<String> idClash(Resource resource, Model model) {
        for (RouteDefinition def : model.getRouteDefinitions()) {
            Route existing = def.getRouteId() == null ? null : running.getRoute(def.getRouteId());
            if (existing != null && existing.getSourceResource() != null
                    && !sameFile(existing.getSourceResource(), resource)) {
                return Optional.of("route id '" + def.getRouteId() + "' is already defined in "
                        + existing.getSourceResource().getLocation());
            }
        }
        return Optional.empty();
    }

    private static boolean sameFile(Resource a, Resource b) {
        return name(a.getLocation()).equals(name(b.getLocation()));
    }

    private static String name(String location) {
        String l = location.replace('\\', '/');
        return l.substring(l.lastIndexOf('/') + 1);
    }

    /** The deepest message with the most detail, on one line and bounded. */
    static String oneLine(Throwable e) {
        Throwable t = e;
        String message = null;
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getClass().getSimpleName() + ": " + t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        if (message == null) {
            message = e.getClass().getName();
        }
        String flat = java.util.Arrays.stream(message.split("\\R")).map(String::trim)
                .filter(l -> !l.isEmpty() && !l.equals("^")).collect(java.util.stream.Collectors.joining("; "));
        return flat.length() > MAX_PROBLEM_CHARS ? flat.substring(0, MAX_PROBLEM_CHARS) + "..." : flat;
    }

    /** The application's beans, but for its components. */
    private static BeanRepository readOnly(CamelContext running) {
        return new BeanRepository() {
            @Override
            public Object lookupByName(String name) {
                return lent(running.getRegistry().lookupByName(name));
            }

            @Override
            public <T> T lookupByNameAndType(String name, Class<T> type) {
                return lent(running.getRegistry().lookupByNameAndType(name, type));
            }

            @Override
            public <T> Map<String, T> findByTypeWithName(Class<T> type) {
                Map<String, T> found = new java.util.LinkedHashMap<>(running.getRegistry().findByTypeWithName(type));
                found.values().removeIf(Component.class::isInstance);
                return found;
            }

            @Override
            public <T> Set<T> findByType(Class<T> type) {
                Set<T> found = new LinkedHashSet<>(running.getRegistry().findByType(type));
                found.removeIf(Component.class::isInstance);
                return found;
            }
        };
    }

    private static <T> T lent(T bean) {
        return bean instanceof Component ? null : bean;
    }

    private static PropertiesSource delegate(PropertiesComponent pc) {
        return new PropertiesSource() {
            @Override
            public String getName() {
                return "running-application";
            }

            @Override
            public String getProperty(String name) {
                return pc.resolveProperty(name).orElse(null);
            }
        };
    }
}
