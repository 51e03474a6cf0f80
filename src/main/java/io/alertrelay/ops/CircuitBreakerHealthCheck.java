package io.alertrelay.ops;

import io.alertrelay.delivery.AgencyCircuitBreakers;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Each agency's circuit breaker state, in the readiness details. An open breaker means one agency
 * is unreachable, not that this instance is unfit: its deliveries wait, so the check stays UP and
 * names the open breakers (alert on relay_circuit_breaker_state instead).
 */
public final class CircuitBreakerHealthCheck extends AbstractHealthCheck {

    private final AgencyCircuitBreakers breakers;

    public CircuitBreakerHealthCheck(AgencyCircuitBreakers breakers) {
        super("relay", "circuit-breakers");
        this.breakers = breakers;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> open = new ArrayList<>();
        breakers.states().forEach((agency, state) -> {
            builder.detail("breaker." + agency, state.get("state"));
            if (!"CLOSED".equals(state.get("state"))) {
                open.add(agency + " " + state.get("state"));
            }
        });
        builder.up().message(open.isEmpty() ? "all agency breakers closed" : "not closed: " + String.join(", ", open));
    }
}
