package io.alertrelay.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestAgencies.Agency;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshots, per-agency analytics, housekeeping and month-end reports against hand-counted fixtures, on
 * a relay with a database of its own (so "old" rows and report months are only this test's).
 */
class AnalyticsAndReportsTest {

    private static final ZoneId LAGOS = ZoneId.of("Africa/Lagos");
    private static TestRelay relay;

    @BeforeAll
    static void start() {
        relay = TestRelay.start(Map.of(
                "relay.housekeeping.raw-events-table", "test_raw_events",
                "relay.housekeeping.raw-events-time-column", "received_at",
                "relay.housekeeping.batch-size", "2"));
    }

    @AfterAll
    static void stop() {
        relay.close();
    }

    private static JsonNode run(String job, String query) {
        HttpResponse<String> r = relay.postJson("/api/admin/jobs/" + job + "/run" + query, "{}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return relay.json(r).path("result");
    }

    private static JsonNode getJson(String path) {
        HttpResponse<String> r = relay.get(path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return relay.json(r);
    }

    private static OffsetDateTime at(LocalDate day, int hour, int minute) {
        return day.atTime(LocalTime.of(hour, minute)).atZone(LAGOS).toOffsetDateTime();
    }

    @Test
    void midnightSnapshotAndAgencyAnalyticsMatchHandCountsAndASecondRunDoesNotDoubleCount() {
        JsonNode before = getJson("/api/admin/analytics/category-distribution");
        for (String category : List.of("drugs", "drugs", "drugs", "food", "food", "cosmetics", "other", "other", "other", "other")) {
            Fixtures.manufacturer(relay, category);
        }
        JsonNode live = getJson("/api/admin/analytics/category-distribution");
        assertThat(live.path("drugs").asInt()).isEqualTo(before.path("drugs").asInt() + 3);
        assertThat(live.path("food").asInt()).isEqualTo(before.path("food").asInt() + 2);
        assertThat(live.path("cosmetics").asInt()).isEqualTo(before.path("cosmetics").asInt() + 1);
        assertThat(live.path("other").asInt()).isEqualTo(before.path("other").asInt() + 4);
        assertThat(live.path("total").asInt()).isEqualTo(before.path("total").asInt() + 10);

        // the day analysed, in the schedule zone; flags just outside it must not count for it
        LocalDate day = LocalDate.now(LAGOS).minusDays(3);
        Agency a = TestAgencies.create(relay, null);
        Agency b = TestAgencies.create(relay, null);
        String code = Catalogue.newCode(relay, "drugs");
        Object[][] aFlags = {
                {"critical", "counterfeit", at(day, 0, 0)}, {"critical", "counterfeit", at(day, 9, 30)},
                {"high", "counterfeit", at(day, 12, 0)}, {"low", "expired", at(day, 18, 45)},
                {"medium", "other", at(day, 23, 59)},
                {"high", "suspicious", at(day.minusDays(1), 23, 30)}, {"low", "blacklisted", at(day.plusDays(1), 0, 10)}};
        UUID shared = null;
        for (Object[] f : aFlags) {
            UUID flag = Fixtures.flag(relay, code, (String) f[0], (String) f[1], (OffsetDateTime) f[2]);
            UUID delivery = Fixtures.told(relay, a, flag, "delivered", (OffsetDateTime) f[2]);
            shared = shared == null ? flag : shared;
            Fixtures.attempt(relay, a, delivery, "delivered", OffsetDateTime.now().minusHours(1));
        }
        UUID failedTry = Fixtures.told(relay, a, Fixtures.flag(relay, code, "low", "other", at(day, 3, 0).minusDays(40)),
                "failed", OffsetDateTime.now());
        Fixtures.attempt(relay, a, failedTry, "retryable_failure", OffsetDateTime.now().minusHours(1));
        Fixtures.told(relay, b, shared, "delivered", at(day, 0, 0));
        Fixtures.told(relay, b, Fixtures.flag(relay, code, "high", "suspicious", at(day, 15, 0)), "delivered", at(day, 15, 0));

        for (int run = 0; run < 2; run++) {
            JsonNode result = run("midnight", "?date=" + day);
            assertThat(result.path("day").asText()).isEqualTo(day.toString());
            assertThat(count("SELECT count(*) FROM category_distribution_snapshots WHERE snapshot_date = ?", day)).isEqualTo(1);
            // Catalogue.newCode above added one more drugs manufacturer
            assertThat(count("SELECT total FROM category_distribution_snapshots WHERE snapshot_date = ?", day))
                    .isEqualTo(live.path("total").asInt() + 1);
            assertThat(count("SELECT drugs FROM category_distribution_snapshots WHERE snapshot_date = ?", day))
                    .isEqualTo(live.path("drugs").asInt() + 1);
            assertThat(row(a, day)).isEqualTo(List.of(5L, 1L, 1L, 1L, 2L, 3L, 0L, 0L, 1L, 1L));
            assertThat(row(b, day)).isEqualTo(List.of(2L, 0L, 0L, 1L, 1L, 1L, 1L, 0L, 0L, 0L));
            assertThat(count("SELECT count(*) FROM agency_flag_analytics WHERE agency_id IN (?, ?)", a.id(), b.id())).isEqualTo(2);
        }

        JsonNode history = getJson("/api/admin/analytics/category-history?days=30");
        JsonNode snapshot = null;
        for (JsonNode s : history.path("snapshots")) {
            if (s.path("snapshot_date").asText().equals(day.toString())) {
                snapshot = s;
            }
        }
        assertThat(snapshot).isNotNull();
        assertThat(snapshot.path("cosmetics").asInt()).isEqualTo(live.path("cosmetics").asInt());
        assertThat(getJson("/api/admin/analytics/category-history?days=2").path("snapshots").toString()).doesNotContain(day.toString());

        // live over 30 days: the 7 flags of a in the window (the 40-day-old one is outside), attempts 7 ok of 8
        JsonNode agency = getJson("/api/admin/analytics/agencies/" + a.name() + "?days=30");
        assertThat(agency.path("total").asInt()).isEqualTo(7);
        assertThat(agency.path("bySeverity").path("critical").asInt()).isEqualTo(2);
        assertThat(agency.path("bySeverity").path("high").asInt()).isEqualTo(2);
        assertThat(agency.path("bySeverity").path("low").asInt()).isEqualTo(2);
        assertThat(agency.path("byReason").path("counterfeit").asInt()).isEqualTo(3);
        assertThat(agency.path("byReason").path("blacklisted").asInt()).isEqualTo(1);
        assertThat(agency.path("attempts").asInt()).isEqualTo(8);
        assertThat(agency.path("successRate").asDouble()).isEqualTo(0.875);
        assertThat(agency.path("daily")).hasSize(1);
        assertThat(agency.path("daily").get(0).path("total").asInt()).isEqualTo(5);
        JsonNode all = getJson("/api/admin/analytics/agencies?days=30");
        JsonNode listedB = null;
        for (JsonNode n : all.path("agencies")) {
            if (n.path("agency").asText().equals(b.name())) {
                listedB = n;
            }
        }
        assertThat(listedB).isNotNull();
        assertThat(listedB.path("total").asInt()).isEqualTo(2);
        assertThat(listedB.path("successRate").isNull()).isTrue();

        JsonNode makers = getJson("/api/admin/analytics/manufacturers?category=drugs&limit=5");
        assertThat(makers.path("manufacturers").size()).isBetween(1, 5);
        // the fixture code's manufacturer has the most flags: 7 + 1 old of a, 1 more of b
        assertThat(makers.path("manufacturers").get(0).path("flags").asInt()).isEqualTo(9);
    }

    @Test
    void housekeepingDeletesOnlyRowsOlderThanTheirAgeInBatches() {
        // the raw events table does not exist yet: skipped, not an error
        assertThat(run("housekeeping", "").path("deleted").path("rawInboundEvents").asInt()).isEqualTo(-1);

        relay.update("CREATE TABLE test_raw_events (id bigserial PRIMARY KEY, received_at timestamptz NOT NULL)");
        for (int days : new int[] {15, 15, 20, 13, 1}) {
            relay.update("INSERT INTO test_raw_events (received_at) VALUES (now() - make_interval(days => ?))", days);
        }
        Agency agency = TestAgencies.create(relay, null);
        for (int days : new int[] {91, 91, 92, 120, 200, 89, 10}) {
            relay.update("INSERT INTO webhook_logs (delivery_id, agency_id, attempt, outcome, created_at) "
                    + "VALUES (gen_random_uuid(), ?, 1, 'delivered', now() - make_interval(days => ?))", agency.id(), days);
        }
        JsonNode deleted = run("housekeeping", "").path("deleted");
        assertThat(deleted.path("rawInboundEvents").asInt()).isEqualTo(3);
        assertThat(deleted.path("webhookLogs").asInt()).isEqualTo(5);
        assertThat(count("SELECT count(*) FROM test_raw_events")).isEqualTo(2);
        assertThat(count("SELECT bool_and(now() - received_at < interval '14 days')::int FROM test_raw_events")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM webhook_logs WHERE agency_id = ?", agency.id())).isEqualTo(2);
        assertThat(run("housekeeping", "").path("deleted").path("webhookLogs").asInt()).isZero();
    }

    @Test
    void monthEndReportFilesParseAsCsvAndHtmlWithTheMonthsNumbers() throws Exception {
        String month = "2025-03";
        LocalDate first = LocalDate.of(2025, 3, 1);
        Agency a = TestAgencies.create(relay, null);
        Agency b = TestAgencies.create(relay, null);
        String drug = Catalogue.newCode(relay, "drugs");
        String food = Catalogue.newCode(relay, "food");
        String cosm = Catalogue.newCode(relay, "cosmetics");
        // 6 flags in March (Lagos time; the first at 00:00 on the 1st), 2 outside it
        Object[][] flags = {
                {drug, "critical", "counterfeit", at(first, 0, 0), a, "delivered"},
                {drug, "high", "counterfeit", at(first.plusDays(5), 10, 0), a, "delivered"},
                {drug, "high", "expired", at(first.plusDays(9), 10, 0), a, "failed"},
                {food, "low", "suspicious", at(first.plusDays(14), 10, 0), b, "delivered"},
                {food, "medium", "counterfeit", at(first.plusDays(20), 10, 0), a, "delivered"},
                {cosm, "low", "other", at(LocalDate.of(2025, 3, 31), 23, 59), b, "failed"},
                {drug, "critical", "counterfeit", at(LocalDate.of(2025, 2, 28), 23, 59), a, "delivered"},
                {food, "low", "counterfeit", at(LocalDate.of(2025, 4, 1), 0, 0), b, "delivered"}};
        for (Object[] f : flags) {
            OffsetDateTime when = (OffsetDateTime) f[3];
            UUID flag = Fixtures.flag(relay, (String) f[0], (String) f[1], (String) f[2], when);
            UUID delivery = Fixtures.told(relay, (Agency) f[4], flag, (String) f[5], when);
            Fixtures.attempt(relay, (Agency) f[4], delivery, "delivered".equals(f[5]) ? "delivered" : "permanent_failure", when);
        }

        JsonNode result = run("month-end-report", "?month=" + month);
        assertThat(result.path("totalFlags").asInt()).isEqualTo(6);
        Path dir = relay.app().settings().dataDir().resolve("reports");
        String csv = Files.readString(dir.resolve(month + ".csv"));
        String html = Files.readString(dir.resolve(month + ".html"));

        Map<String, String[]> rows = new HashMap<>();
        List<String> lines = csv.lines().toList();
        assertThat(lines.get(0)).isEqualTo("section,name,flags,deliveries,delivered,failed,delivery_success_rate,attempts,attempts_ok");
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            assertThat(cells).hasSize(9);
            rows.put(cells[0] + "/" + cells[1], cells);
        }
        assertThat(rows.get("total/all")[2]).isEqualTo("6");
        assertThat(rows.get("category/drugs")[2]).isEqualTo("3");
        assertThat(rows.get("category/food")[2]).isEqualTo("2");
        assertThat(rows.get("category/cosmetics")[2]).isEqualTo("1");
        assertThat(rows.get("category/other")[2]).isEqualTo("0");
        assertThat(rows.get("severity/critical")[2]).isEqualTo("1");
        assertThat(rows.get("severity/high")[2]).isEqualTo("2");
        assertThat(rows.get("severity/low")[2]).isEqualTo("2");
        assertThat(rows.get("reason/counterfeit")[2]).isEqualTo("3");
        assertThat(rows.get("reason/other")[2]).isEqualTo("1");
        assertThat(rows.get("agency/" + a.name())).containsExactly("agency", a.name(), "4", "4", "3", "1", "0.7500", "4", "3");
        assertThat(rows.get("agency/" + b.name())).containsExactly("agency", b.name(), "2", "2", "1", "1", "0.5000", "2", "1");

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        var xpath = XPathFactory.newInstance().newXPath();
        assertThat(xpath.evaluate("//strong[@id='total-flags']", doc)).isEqualTo("6");
        assertThat(xpath.evaluate("//table[@id='category']/tr[td[1]='drugs']/td[2]", doc)).isEqualTo("3");
        assertThat(xpath.evaluate("//table[@id='agency']/tr[td[1]='" + a.name() + "']/td[6]", doc)).isEqualTo("75.00 %");

        // listed and downloadable through the admin API, the same bytes as the files
        JsonNode list = getJson("/api/admin/reports");
        assertThat(list.toString()).contains("\"month\":\"" + month + "\"", "/api/admin/reports/" + month + ".csv");
        HttpResponse<String> gotCsv = relay.get("/api/admin/reports/" + month + ".csv");
        assertThat(gotCsv.statusCode()).isEqualTo(200);
        assertThat(gotCsv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(gotCsv.body()).isEqualTo(csv);
        HttpResponse<String> gotHtml = relay.get("/api/admin/reports/" + month + ".html");
        assertThat(gotHtml.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(gotHtml.body()).isEqualTo(html);
    }

    /** Runs a job route as its Quartz trigger would: with the fire time the trigger's cron gives. */
    @SuppressWarnings("unchecked")
    private static JsonNode fire(String job, java.time.Instant fireTime) {
        Object body = relay.app().camel().createProducerTemplate().requestBodyAndHeader("direct:job-" + job, null,
                "scheduledFireTime", java.util.Date.from(fireTime));
        JsonNode answer = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(body);
        assertThat(answer.path("outcome").asText()).as(answer.toString()).isEqualTo("ok");
        return answer.path("result");
    }

    /** The first time after {@code after} that the configured cron of {@code job} fires, in the relay's zone. */
    private static java.time.Instant nextFire(String job, OffsetDateTime after) throws Exception {
        String cron = relay.app().settings().find("relay.schedules." + job + ".cron").orElseThrow();
        org.quartz.CronExpression expression = new org.quartz.CronExpression(cron);
        expression.setTimeZone(java.util.TimeZone.getTimeZone(
                relay.app().settings().get("relay.schedule.zone", "Africa/Lagos")));
        return expression.getNextValidTimeAfter(java.util.Date.from(after.toInstant())).toInstant();
    }

    private static String csvTotal(String csv) {
        return csv.lines().filter(l -> l.startsWith("total,all,")).findFirst().orElseThrow().split(",")[2];
    }

    @Test
    void flagsOfTheMonthsLastFiveMinutesAreInTheFinalReportThatReplacesThePreliminaryOne() throws Exception {
        String month = "2025-05";
        LocalDate last = LocalDate.of(2025, 5, 31);
        Agency a = TestAgencies.create(relay, null);
        String drug = Catalogue.newCode(relay, "drugs");
        OffsetDateTime[] times = {at(last, 12, 0), at(last, 23, 50), at(last, 23, 58), at(last, 23, 59),
                at(LocalDate.of(2025, 6, 1), 0, 1)};
        for (OffsetDateTime when : times) {
            UUID flag = Fixtures.flag(relay, drug, "high", "counterfeit", when);
            Fixtures.attempt(relay, a, Fixtures.told(relay, a, flag, "delivered", when), "delivered", when);
        }
        Path dir = relay.app().settings().dataDir().resolve("reports");

        // the preliminary report fires at 23:55 of the last day: the month so far, said to be preliminary
        java.time.Instant preliminaryAt = nextFire("month-end-preliminary", at(last, 12, 0));
        assertThat(preliminaryAt).isEqualTo(at(last, 23, 55).toInstant());
        JsonNode preliminary = fire("month-end-preliminary", preliminaryAt);
        assertThat(preliminary.path("month").asText()).isEqualTo(month);
        assertThat(preliminary.path("final").asBoolean()).isFalse();
        assertThat(preliminary.path("totalFlags").asInt()).isEqualTo(2);
        assertThat(Files.readString(dir.resolve(month + ".csv"))).contains("report,preliminary until 2025-05-31T22:55:00Z");
        assertThat(getJson("/api/admin/reports").findValues("month").stream().map(JsonNode::asText)).contains(month);

        // the final report fires once the month has ended, for the month that ended: the last minutes are in
        java.time.Instant finalAt = nextFire("month-end-report", at(last, 23, 55));
        assertThat(finalAt).isAfterOrEqualTo(at(LocalDate.of(2025, 6, 1), 0, 0).toInstant())
                .isBefore(at(LocalDate.of(2025, 6, 1), 1, 0).toInstant());
        JsonNode done = fire("month-end-report", finalAt);
        assertThat(done.path("month").asText()).isEqualTo(month);
        assertThat(done.path("final").asBoolean()).isTrue();
        assertThat(done.path("totalFlags").asInt()).isEqualTo(4);
        String csv = Files.readString(dir.resolve(month + ".csv"));
        assertThat(csv).contains("report,final,");
        assertThat(csvTotal(csv)).isEqualTo("4");
        assertThat(relay.get("/api/admin/reports/" + month + ".csv").body()).isEqualTo(csv);
        assertThat(Files.readString(dir.resolve(month + ".html"))).contains("Final report");
        JsonNode listed = null;
        for (JsonNode r : getJson("/api/admin/reports")) {
            if (month.equals(r.path("month").asText())) {
                listed = r;
            }
        }
        assertThat(listed).as("report " + month + " listed").isNotNull();
        assertThat(listed.path("final").asBoolean()).isTrue();
        assertThat(listed.path("totalFlags").asInt()).isEqualTo(4);

        // a preliminary run after it (a late misfire, an admin) leaves the final report as it is
        JsonNode late = fire("month-end-preliminary", preliminaryAt);
        assertThat(late.path("kept").asText()).isEqualTo("final");
        assertThat(relay.get("/api/admin/reports/" + month + ".csv").body()).isEqualTo(csv);
        assertThat(Files.readString(dir.resolve(month + ".csv"))).isEqualTo(csv);
    }

    private static List<Long> row(Agency agency, LocalDate day) {
        Object v = relay.queryValue("SELECT array[total, low, medium, high, critical, counterfeit, suspicious, blacklisted, "
                + "expired, other_reason]::bigint[]::text FROM agency_flag_analytics WHERE agency_id = ? AND day = ?", agency.id(), day);
        assertThat(v).as("analytics row of " + agency.name()).isNotNull();
        String s = v.toString();
        return java.util.Arrays.stream(s.substring(1, s.length() - 1).split(",")).map(Long::parseLong).toList();
    }

    private static long count(String sql, Object... params) {
        return ((Number) relay.queryValue(sql, params)).longValue();
    }
}
