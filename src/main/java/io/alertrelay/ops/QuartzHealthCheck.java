package io.alertrelay.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;

import java.util.Map;

/**
 * Readiness of the Quartz scheduler when schedules are in use: started, not shut down, not in standby.
 * Without any Quartz route the check is UP and says so.
 */
public final class QuartzHealthCheck extends AbstractHealthCheck {

    public QuartzHealthCheck() {
        super("relay", "quartz");
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        CamelContext camel = getCamelContext();
        QuartzComponent quartz = camel == null || camel.hasComponent("quartz") == null ? null
                : camel.getComponent("quartz", QuartzComponent.class);
        Scheduler scheduler = quartz == null ? null : quartz.getScheduler();
        if (scheduler == null) {
            builder.up().message("no Quartz schedules in this instance");
            return;
        }
        if (!quartz.isAutoStartScheduler()) {
            builder.up().message("schedules are off on this instance (relay.schedules.enabled=false)");
            return;
        }
        try {
            builder.detail("quartz.scheduler", scheduler.getSchedulerName())
                    .detail("quartz.clustered", scheduler.getMetaData().isJobStoreClustered());
            if (scheduler.isShutdown() || !scheduler.isStarted()) {
                builder.down().message("Quartz scheduler is not running");
            } else if (scheduler.isInStandbyMode()) {
                builder.down().message("Quartz scheduler is in standby");
            } else {
                builder.up().message("Quartz scheduler running");
            }
        } catch (SchedulerException e) {
            builder.down().message("Quartz scheduler unavailable: " + e.getMessage());
        }
    }
}
