package io.alertrelay.analytics;

import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Quartz on the JDBC job store: two instances on one database fire each schedule once, and a trigger
 * that came due while every instance was down fires once when an instance starts again.
 */
class ClusteredSchedulesTest {

    private static long count(TestRelay relay, String sql, Object... params) {
        return ((Number) relay.queryValue(sql, params)).longValue();
    }

    @Test
    void twoInstancesFireEachScheduleOnceAndAMissedTriggerRunsAtTheNextStart() {
        Map<String, String> overrides = Map.of(
                "relay.schedules.enabled", "true",
                "relay.schedules.housekeeping.cron", "0/2 * * * * ?",
                // the hourly job would next fire in 2099: only misfire catch-up can run it in this test
                "relay.schedules.hourly.cron", "0 0 0 1 1 ? 2099",
                "relay.schedules.quartz.cluster-checkin-ms", "1000",
                "relay.schedules.quartz.misfire-threshold-ms", "1000");
        TestRelay first = TestRelay.start(overrides);
        try (TestRelay second = TestRelay.startBeside(first, overrides)) {
            assertThat(count(first, "SELECT count(*) FROM qrtz_scheduler_state")).isEqualTo(2);
            await().atMost(Duration.ofSeconds(30)).until(() -> count(first,
                    "SELECT count(*) FROM scheduled_job_runs WHERE job = 'housekeeping' AND triggered_by = 'schedule' "
                            + "AND outcome = 'ok'") >= 5);
            // every fire time of the 2-second schedule ran exactly once, whichever instance took it
            assertThat(count(first, "SELECT count(*) - count(DISTINCT scheduled_fire_time) FROM scheduled_job_runs "
                    + "WHERE job = 'housekeeping' AND triggered_by = 'schedule'")).isZero();
            assertThat(count(first, "SELECT count(*) FROM scheduled_job_runs WHERE job = 'housekeeping' "
                    + "AND triggered_by = 'schedule' AND scheduled_fire_time IS NULL")).isZero();
            assertThat(count(first, "SELECT count(*) FROM scheduled_job_runs WHERE job = 'hourly'")).isZero();
        } finally {
            first.close();
        }

        // everything is down; the triggers stayed in the job store. Make the hourly trigger come due a
        // minute ago, as if its time passed during the outage.
        TestRelay third;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(first.app().settings().find("relay.db.url").orElseThrow(),
                io.alertrelay.db.EmbeddedPostgres.USER, "");
             java.sql.PreparedStatement ps = c.prepareStatement(
                     "UPDATE qrtz_triggers SET next_fire_time = ? WHERE trigger_group = 'relay' AND trigger_name = 'hourly'")) {
            ps.setLong(1, System.currentTimeMillis() - 60_000);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        Instant restart = Instant.now();
        third = TestRelay.startBeside(first, overrides);
        try (TestRelay relay = third) {
            await().atMost(Duration.ofSeconds(30)).until(() -> count(relay,
                    "SELECT count(*) FROM scheduled_job_runs WHERE job = 'hourly' AND triggered_by = 'schedule' AND outcome = 'ok'") == 1);
            assertThat(relay.queryValue("SELECT started_at > ? FROM scheduled_job_runs WHERE job = 'hourly'",
                    restart.atOffset(java.time.ZoneOffset.UTC))).isEqualTo(true);
        }
    }
}
