package io.alertrelay.ops;

import io.alertrelay.config.RelaySettings;
import io.alertrelay.delivery.AgencyCircuitBreakers;
import io.alertrelay.delivery.DeliveryWork;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyConfiguration;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import io.alertrelay.partners.BrokerPartnerConsumers;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Operations wiring: the Prometheus registry Camel exposes at /observe/metrics and the pipeline's own
 * meters, the relay's health checks, and the guarded route reload. Call after the pipeline beans are bound.
 */
public final class OpsBeans {

    private OpsBeans() {
    }

    public static void bind(Main main, RelaySettings settings, DataSource dataSource) {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        main.bind("metricsRegistry", meters);
        main.bind("logContextUnitOfWorkFactory", new LogContextUnitOfWork.Factory());
        AgencyCircuitBreakers breakers = main.lookup("agencyCircuitBreakers", AgencyCircuitBreakers.class);
        PipelineTelemetry telemetry = new PipelineTelemetry(meters, breakers, new QueueDepth(dataSource,
                Duration.ofMillis(settings.getInt("relay.metrics.queue-depth-cache-ms", 5000))));
        main.bind("pipelineTelemetry", telemetry);
        DeliveryWork work = main.lookup("deliveryWork", DeliveryWork.class);
        if (work != null) {
            work.observeWith(telemetry);
        }
        Duration dbTimeout = Duration.ofMillis(settings.getInt("relay.health.database-timeout-ms", 2000));
        boolean reload = settings.getBoolean("relay.routes.reload", false);
        Path routes = Path.of(settings.get("relay.routes-dir", "routes")).toAbsolutePath().normalize();
        Duration reloadDrain = Duration.ofMillis(settings.getInt("relay.routes.reload-drain-ms", 10_000));
        String routesWithoutMetrics = settings.get("relay.metrics.routes-without-metrics", "");
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport m) {
                CamelContext camel = m.getCamelContext();
                // Camel's route policy formats a String per exchange and route: the inner steps a flag
                // passes through many times are left out (set before the routes start, when it is read)
                camel.getRoutePolicyFactories().stream()
                        .filter(MicrometerRoutePolicyFactory.class::isInstance)
                        .map(MicrometerRoutePolicyFactory.class::cast)
                        .forEach(f -> f.setPolicyConfiguration(excluding(f.getPolicyConfiguration(), routesWithoutMetrics)));
                HealthCheckRegistry health = HealthCheckRegistry.get(camel);
                if (health != null) {
                    health.register(new DatabaseHealthCheck(dataSource, dbTimeout));
                    health.register(new CircuitBreakerHealthCheck(breakers));
                    health.register(new QuartzHealthCheck());
                    health.register(new TransportHealthCheck(camel, m.getCamelContext().getRegistry()
                            .lookupByNameAndType("brokerPartnerConsumers", BrokerPartnerConsumers.class), telemetry));
                }
                if (reload) {
                    try {
                        camel.addService(new GuardedRouteReload(routes, "*.camel.yaml", reloadDrain));
                    } catch (Exception e) {
                        throw org.apache.camel.RuntimeCamelException.wrapRuntimeException(e);
                    }
                }
            }
        });
    }

    /**
     * A copy of the route policy's configuration that leaves {@code routeIds} out. A copy, because the
     * factory starts with Camel's shared {@code MicrometerRoutePolicyConfiguration.DEFAULT}, the same
     * object for every CamelContext in the JVM.
     */
    static MicrometerRoutePolicyConfiguration excluding(MicrometerRoutePolicyConfiguration c, String routeIds) {
        MicrometerRoutePolicyConfiguration copy = new MicrometerRoutePolicyConfiguration();
        copy.setContextEnabled(c.isContextEnabled());
        copy.setRouteEnabled(c.isRouteEnabled());
        copy.setAdditionalCounters(c.isAdditionalCounters());
        copy.setExchangesSucceeded(c.isExchangesSucceeded());
        copy.setExchangesFailed(c.isExchangesFailed());
        copy.setExchangesTotal(c.isExchangesTotal());
        copy.setExternalRedeliveries(c.isExternalRedeliveries());
        copy.setFailuresHandled(c.isFailuresHandled());
        copy.setLongTask(c.isLongTask());
        copy.setTimerInitiator(c.getTimerInitiator());
        copy.setLongTaskInitiator(c.getLongTaskInitiator());
        copy.setExcludePattern(routeIds.isBlank() ? null : routeIds);
        return copy;
    }
}
