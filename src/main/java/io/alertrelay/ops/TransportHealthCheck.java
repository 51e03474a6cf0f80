package io.alertrelay.ops;

import io.alertrelay.partners.BrokerPartnerConsumers;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The broker side of the relay in the readiness details: each broker partner's consumer (transport,
 * source, route state, lag) and each broker target's last send. A stopped consumer or a failing
 * topic is one partner's or agency's problem, not this instance's unfitness (its HTTP intake and
 * every other delivery work), so the check stays UP and names what is not well, as the breakers do.
 */
public final class TransportHealthCheck extends AbstractHealthCheck {

    private final CamelContext camel;
    private final BrokerPartnerConsumers consumers;
    private final PipelineTelemetry telemetry;

    public TransportHealthCheck(CamelContext camel, BrokerPartnerConsumers consumers, PipelineTelemetry telemetry) {
        super("relay", "transports");
        this.camel = camel;
        this.consumers = consumers;
        this.telemetry = telemetry;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> unwell = new ArrayList<>();
        if (consumers != null) {
            consumers.states(camel).forEach((partner, state) -> {
                builder.detail("partner." + partner, state.get("source") + " " + state.get("state")
                        + (state.get("lag") == null ? "" : " lag " + state.get("lag")));
                if (!ServiceStatus.Started.name().equals(state.get("state"))) {
                    unwell.add("partner " + partner + " consumer " + state.get("state"));
                }
            });
        }
        telemetry.brokerTargets().forEach((target, last) -> {
            builder.detail("target." + target, last.get("lastOutcome") + " at " + last.get("lastAt")
                    + " (" + last.getOrDefault("failures", 0L) + " failed sends)");
            if (!"delivered".equals(last.get("lastOutcome"))) {
                unwell.add("target " + target + " last send " + last.get("lastOutcome"));
            }
        });
        builder.up().message(unwell.isEmpty() ? "broker partners consuming, broker targets delivering"
                : String.join(", ", unwell));
    }
}
