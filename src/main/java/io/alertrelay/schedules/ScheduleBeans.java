package io.alertrelay.schedules;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.analytics.AnalyticsApi;
import io.alertrelay.analytics.DailyAnalytics;
import io.alertrelay.analytics.Housekeeping;
import io.alertrelay.analytics.MonthlyReport;
import io.alertrelay.analytics.WeeklyDigest;
import io.alertrelay.config.RelaySettings;
import io.alertrelay.quota.AgencyQuota;
import org.apache.camel.main.Main;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

/** Wires the schedules and analytics stage: the clustered Quartz component and the beans its routes call. */
public final class ScheduleBeans {

    private ScheduleBeans() {
    }

    public static void bind(Main main, RelaySettings settings, DataSource dataSource, ObjectMapper json) {
        ZoneId zone = ZoneId.of(settings.get("relay.schedule.zone", "Africa/Lagos"));
        main.bind("quartz", ClusteredQuartz.component(settings, dataSource));

        Duration logsAge = Duration.ofDays(settings.getInt("relay.housekeeping.logs-days", 90));
        Housekeeping housekeeping = new Housekeeping(dataSource, List.of(
                new Housekeeping.Target("rawInboundEvents", settings.get("relay.housekeeping.raw-events-table", "inbound_events"),
                        settings.get("relay.housekeeping.raw-events-time-column", "received_at"),
                        Duration.ofDays(settings.getInt("relay.housekeeping.raw-events-days", 14))),
                new Housekeeping.Target("webhookLogs", "webhook_logs", "created_at", logsAge),
                new Housekeeping.Target("jobRuns", "scheduled_job_runs", "started_at", logsAge)),
                settings.getInt("relay.housekeeping.batch-size", 5000));
        MonthlyReport reports = new MonthlyReport(dataSource, zone, settings.dataDir().resolve("reports"));
        String instance = hostName() + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
        main.bind("scheduledJobs", new ScheduledJobs(dataSource, json, new AgencyQuota(dataSource, zone),
                new DailyAnalytics(dataSource, zone), housekeeping,
                new WeeklyDigest(dataSource, json, settings.getInt("relay.digest.chunk-size", 10)), reports, zone, instance));
        main.bind("analyticsApi", new AnalyticsApi(dataSource, zone, reports));
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown-host";
        }
    }
}
