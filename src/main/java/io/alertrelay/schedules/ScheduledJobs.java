package io.alertrelay.schedules;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.analytics.DailyAnalytics;
import io.alertrelay.analytics.Housekeeping;
import io.alertrelay.analytics.MonthlyReport;
import io.alertrelay.analytics.WeeklyDigest;
import io.alertrelay.db.SqlStatements;
import io.alertrelay.http.ApiProblem;
import io.alertrelay.intake.FlagIntake;
import io.alertrelay.quota.AgencyQuota;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The scheduled jobs' steps, called from routes/schedules.camel.yaml: each job run is logged in
 * scheduled_job_runs (who triggered it, which instance, the Quartz fire time), does its work and
 * leaves a summary in the body. The same routes serve the Quartz triggers and the admin "run now".
 */
public final class ScheduledJobs {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduledJobs.class);
    public static final List<String> JOBS = List.of("hourly", "midnight", "housekeeping", "weekly-digest", "month-end-report",
            "month-end-preliminary");
    static final String TRIGGER_HEADER = "relayJobTrigger";
    private static final String RUN_ID = "jobRunId";
    private static final String RUN_JOB = "jobName";
    private static final String RESULT = "jobResult";
    private static final String BEGIN = SqlStatements.load("job-run-begin");
    private static final String END = SqlStatements.load("job-run-end");

    private final DataSource dataSource;
    private final ObjectMapper json;
    private final AgencyQuota quota;
    private final DailyAnalytics daily;
    private final Housekeeping housekeeping;
    private final WeeklyDigest digest;
    private final MonthlyReport report;
    private final ZoneId zone;
    private final String instanceId;

    public ScheduledJobs(DataSource dataSource, ObjectMapper json, AgencyQuota quota, DailyAnalytics daily,
                         Housekeeping housekeeping, WeeklyDigest digest, MonthlyReport report, ZoneId zone, String instanceId) {
        this.dataSource = dataSource;
        this.json = json;
        this.quota = quota;
        this.daily = daily;
        this.housekeeping = housekeeping;
        this.digest = digest;
        this.report = report;
        this.zone = zone;
        this.instanceId = instanceId;
    }

    // ------------------------------------------------------------------ admin "run now"

    /** Validates POST /api/admin/jobs/{job}/run: a known job (else 404) and well-formed parameters (else 400). */
    public void checkRunRequest(Exchange exchange) {
        String job = exchange.getMessage().getHeader("job", String.class);
        if (job == null || !JOBS.contains(job)) {
            throw ApiProblem.notFound("unknown job", "jobs: " + String.join(", ", JOBS));
        }
        date(exchange);
        month(exchange);
        exchange.getMessage().setHeader(TRIGGER_HEADER, "admin");
    }

    /** The admin gets the run's summary; a failed run answers 500 with its error. */
    public Object runReply(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, Object> body = exchange.getMessage().getBody(Map.class);
        if (body == null || !"ok".equals(body.get("outcome"))) {
            throw new ApiProblem(500, "job failed",
                    List.of(body == null ? "no result" : String.valueOf(body.get("error"))));
        }
        return body;
    }

    // ------------------------------------------------------------------ run bookkeeping

    public void begin(Exchange exchange, String job) throws SQLException {
        String trigger = "admin".equals(exchange.getMessage().getHeader(TRIGGER_HEADER)) ? "admin" : "schedule";
        Date fire = exchange.getMessage().getHeader("scheduledFireTime", Date.class);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(BEGIN)) {
            ps.setString(1, job);
            ps.setString(2, trigger);
            ps.setString(3, instanceId);
            ps.setObject(4, fire == null ? null : fire.toInstant().atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                exchange.setProperty(RUN_ID, rs.getLong(1));
            }
        }
        exchange.setProperty(RUN_JOB, job);
        LOG.info("Job {} started ({}, {})", job, trigger, instanceId);
    }

    public void finish(Exchange exchange) throws SQLException {
        end(exchange, "ok", exchange.getProperty(RESULT, Map.of(), Map.class), null);
    }

    /** The job's route configuration calls this on any exception: the run is logged as failed. */
    public void failed(Exchange exchange) throws SQLException {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String text = error == null ? "unknown error" : error.getClass().getSimpleName() + ": " + error.getMessage();
        LOG.error("Job {} failed", exchange.getProperty(RUN_JOB), error);
        if (exchange.getProperty(RUN_ID) != null) {
            end(exchange, "failed", Map.of("error", text), text);
        } else {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("job", exchange.getProperty(RUN_JOB));
            body.put("outcome", "failed");
            body.put("error", text);
            exchange.getMessage().setBody(body);
        }
    }

    private void end(Exchange exchange, String outcome, Map<?, ?> detail, String error) throws SQLException {
        long runId = exchange.getProperty(RUN_ID, Long.class);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(END)) {
            ps.setString(1, outcome);
            ps.setString(2, json.writeValueAsString(detail));
            ps.setLong(3, runId);
            ps.executeUpdate();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job", exchange.getProperty(RUN_JOB));
        body.put("runId", runId);
        body.put("instance", instanceId);
        body.put("outcome", outcome);
        if (error != null) {
            body.put("error", error);
        }
        body.put("result", detail);
        exchange.getMessage().setBody(body);
        LOG.info("Job {} {}: {}", exchange.getProperty(RUN_JOB), outcome, detail);
    }

    // ------------------------------------------------------------------ the jobs

    /** Hour counters to zero, hour throttles lifted, deferred alerts released most severe first. */
    public void hourly(Exchange exchange) throws SQLException {
        int agencies = quota.resetHour();
        release(exchange, Map.of("agenciesReset", agencies));
    }

    /** Day counters to zero (and throttles lifted, deferred alerts released), then the day's analytics. */
    public void midnight(Exchange exchange) throws SQLException {
        int agencies = quota.resetDay();
        LocalDate day = date(exchange).orElseGet(() -> fired(exchange).atZone(zone).toLocalDate().minusDays(1));
        Map<String, Object> result = new LinkedHashMap<>(daily.run(day));
        result.put("agenciesReset", agencies);
        release(exchange, result);
    }

    public void housekeeping(Exchange exchange) throws SQLException {
        exchange.setProperty(RESULT, Map.of("deleted", housekeeping.run()));
    }

    /** The digest of the seven days up to the fire time (or now), handed to the delivery workers. */
    public void weeklyDigest(Exchange exchange) throws SQLException {
        Instant until = fired(exchange);
        WeeklyDigest.Outcome outcome = digest.run(until.minus(Duration.ofDays(7)), until);
        exchange.setProperty(FlagIntake.RECORDED, outcome.deliveries());
        exchange.setProperty(RESULT, outcome.summary());
    }

    /**
     * The final report of the month that ended before the job fired (00:05 on the 1st: the month before),
     * or of {@code month=YYYY-MM} (final if that month has ended, else preliminary until now).
     */
    public void monthEndReport(Exchange exchange) throws SQLException, IOException {
        Instant at = fired(exchange);
        YearMonth month = month(exchange).orElseGet(() -> report.endedBefore(at));
        exchange.setProperty(RESULT, report.generate(month, at));
    }

    /**
     * The preliminary report of the month the job fired in (the last day, 23:55), with the flags until
     * then, or of {@code month=YYYY-MM}; the final report replaces it after the month has ended.
     */
    public void monthEndPreliminary(Exchange exchange) throws SQLException, IOException {
        Instant at = fired(exchange);
        YearMonth month = month(exchange).orElseGet(() -> YearMonth.from(at.atZone(zone)));
        exchange.setProperty(RESULT, report.generate(month, at));
    }

    private void release(Exchange exchange, Map<String, Object> result) throws SQLException {
        List<UUID> released = quota.releaseDeferred();
        Map<String, Object> out = new LinkedHashMap<>(result);
        out.put("deferredReleased", released.size());
        exchange.setProperty(FlagIntake.RECORDED, released);
        exchange.setProperty(RESULT, out);
    }

    private static Instant fired(Exchange exchange) {
        Date fire = exchange.getMessage().getHeader("scheduledFireTime", Date.class);
        return fire == null ? Instant.now() : fire.toInstant();
    }

    private static Optional<LocalDate> date(Exchange exchange) {
        String v = exchange.getMessage().getHeader("date", String.class);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(v.trim()));
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest("invalid query parameter", "date must look like 2026-11-22 (got '" + v + "')");
        }
    }

    private static Optional<YearMonth> month(Exchange exchange) {
        String v = exchange.getMessage().getHeader("month", String.class);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(YearMonth.parse(v.trim()));
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest("invalid query parameter", "month must look like 2026-11 (got '" + v + "')");
        }
    }
}
