package io.alertrelay.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.AgencyReceiver.Reply;
import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestAgencies.Agency;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real headless Chromium (Debian's package) against a relay of its own: an admin
 * signs in with the keyboard, sees every chart drawn from real data, changes a limit, replays a failed
 * delivery and watches a new flag arrive live. Screenshots go to target/screenshots/; any browser
 * console error fails the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private TestRelay relay;
    private AgencyReceiver receiver;
    private HeadlessChromium chromium;
    private WebDriver page;
    private Agency agency;
    private UUID failedDelivery;

    @BeforeAll
    void startRelayBrowserAndData() {
        assertThat(HeadlessChromium.installed())
                .as("chromium and chromium-driver from Debian (.ci/run installs them)").isTrue();
        relay = TestRelay.start(Map.of("relay.delivery.retry-schedule", "PT0.1S"));
        receiver = new AgencyReceiver();
        // the agency's first answer is a permanent failure, later ones succeed: a replay then delivers
        receiver.thenReply(Reply.status(400));
        agency = TestAgencies.create(relay, receiver.url("/hooks/alerts"));
        failedDelivery = TestAgencies.enqueue(relay, agency, "high");
        await().atMost(WAIT).until(() -> "failed".equals(TestAgencies.status(relay, failedDelivery)));

        // flags in every category with mixed severities and reasons, then today's snapshot for the trend
        String[][] flags = {{"drugs", "critical", "counterfeit"}, {"drugs", "high", "suspicious"},
                {"food", "medium", "expired"}, {"food", "low", "counterfeit"}, {"cosmetics", "high", "blacklisted"},
                {"other", "medium", "other"}};
        for (String[] f : flags) {
            flag(Catalogue.newCode(relay, f[0]), f[1], f[2]);
        }
        assertThat(relay.postJson("/api/admin/jobs/midnight/run", "").statusCode()).isEqualTo(200);
        // earlier midnights, so the trend has a line to draw (the job above wrote the latest one)
        relay.update("INSERT INTO category_distribution_snapshots (snapshot_date, drugs, food, cosmetics, other, total) "
                + "SELECT d::date, 2 + n, 1 + n / 2, 1, n % 2, 4 + n + n / 2 + n % 2 "
                + "FROM generate_series(1, 6) AS n, LATERAL (SELECT (SELECT min(snapshot_date) FROM category_distribution_snapshots) - n AS d) x "
                + "ON CONFLICT (snapshot_date) DO NOTHING");

        // a partner, so the webhooks view has one to list (an HTTP one: no broker in this test)
        assertThat(relay.postJson("/api/admin/partners", "{\"name\":\"dash-partner\"}").statusCode()).isEqualTo(201);

        chromium = HeadlessChromium.start(1280, 800);
        page = chromium.driver();
    }

    @AfterEach
    void noConsoleErrors() {
        assertThat(chromium.consoleErrors()).as("browser console errors").isEmpty();
    }

    @AfterAll
    void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    @Order(1)
    void adminSignsInWithTheKeyboardAndSeesEveryChartDrawnFromData() {
        page.get(relay.baseUrl() + "/dashboard");
        WebElement token = page.findElement(By.id("token"));
        assertThat(page.switchTo().activeElement()).isEqualTo(token);
        chromium.screenshot("01-sign-in");
        token.sendKeys(relay.adminToken());
        // Tab leads from the token field to the sign-in button; Enter presses it
        token.sendKeys(Keys.TAB);
        assertThat(page.switchTo().activeElement().getText()).isEqualTo("Sign in");
        page.switchTo().activeElement().sendKeys(Keys.ENTER);

        for (String chart : List.of("category-pie", "category-trend", "severity-chart", "reason-chart")) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(points(chart)).as(chart + " data points").isPositive());
        }
        assertThat(points("category-trend")).as("days on the trend").isEqualTo(7);
        assertThat(chartInstances()).isEqualTo(4);
        assertThat(rows("manufacturers-table")).isGreaterThanOrEqualTo(6);
        assertThat(text("category-totals")).containsIgnoringCase("drugs").containsIgnoringCase("total");
        assertThat(text("report-totals")).containsIgnoringCase("success rate");
        assertThat(rows("agencies-summary")).isGreaterThanOrEqualTo(4);
        await().atMost(WAIT).until(() -> text("live-status").equals("Live feed: on"));
        assertThat(text("notice")).startsWith("Loaded");
        chromium.screenshot("02-categories");
        scrollTo("reports");
        chromium.screenshot("03-agency-reports");
    }

    @Test
    @Order(2)
    void changedLimitIsSavedAndTheApiShowsIt() {
        scrollTo("agencies");
        choose("manage-agency", agency.name());
        await().atMost(WAIT).until(() -> text("logs-agency").equals(agency.name()) && rows("logs-table") >= 1);
        WebElement perHour = page.findElement(By.id("per-hour"));
        WebElement perDay = page.findElement(By.id("per-day"));
        perHour.clear();
        perHour.sendKeys("7");
        perDay.clear();
        perDay.sendKeys("70");
        click(page.findElement(By.cssSelector("#limits-form button[type=submit]")));

        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode limits = relay.json(relay.get("/api/admin/management/rate-limits/" + agency.name()));
            assertThat(limits.get("alertsPerHour").asInt()).isEqualTo(7);
            assertThat(limits.get("alertsPerDay").asInt()).isEqualTo(70);
        });
        await().atMost(WAIT).until(() -> text("quota-table").contains("0 / 7"));
        assertThat(text("webhook-config")).containsIgnoringCase("circuit breaker").contains("CLOSED")
                .containsIgnoringCase("transport").contains("http");
        assertThat(text("partners-table")).contains("dash-partner").contains("POST /webhooks/dash-partner");
        chromium.screenshot("04-limits-and-webhook");
    }

    @Test
    @Order(3)
    void webhookIsTestedToggledRegisteredAndItsSecretRotatedFromThePage() {
        click("test-webhook");
        await().atMost(WAIT).until(() -> text("notice").contains("Test webhook to " + agency.name() + ": delivered"));

        click("toggle-webhook");
        await().atMost(WAIT).until(() -> text("notice").contains("is now inactive"));
        assertThat(relay.json(relay.get(webhookPath("/config"))).get("active").asBoolean()).isFalse();
        click("toggle-webhook");
        await().atMost(WAIT).until(() -> text("notice").contains("is now active"));

        WebElement headers = page.findElement(By.id("custom-headers"));
        headers.clear();
        headers.sendKeys("X-Agency-Token: changed-by-dashboard");
        click(page.findElement(By.cssSelector("#register-form button[type=submit]")));
        await().atMost(WAIT).untilAsserted(() -> assertThat(relay.json(relay.get(webhookPath("/config")))
                .get("customHeaders").get("X-Agency-Token").asText()).isEqualTo("changed-by-dashboard"));

        click("rotate-secret");
        await().atMost(WAIT).until(() -> text("notice").contains("rotated"));
        assertThat(page.findElement(By.id("secret-box")).isDisplayed()).isTrue();
        assertThat(text("secret-value")).startsWith("whsec_");
        scrollTo("secret-box");
        chromium.screenshot("05-secret-shown-once");
    }

    @Test
    @Order(4)
    void failedDeliveryIsReplayedFromTheDeliveryLog() {
        choose("deliveries-agency", agency.name());
        choose("deliveries-status", "failed");
        click(page.findElement(By.cssSelector("#deliveries-form button[type=submit]")));
        By replay = By.cssSelector("button.replay[data-delivery='" + failedDelivery + "']");
        await().atMost(WAIT).until(() -> !page.findElements(replay).isEmpty());
        scrollTo("deliveries-table");
        chromium.screenshot("06-failed-delivery");
        click(page.findElement(replay));

        await().atMost(WAIT).until(() -> "delivered".equals(TestAgencies.status(relay, failedDelivery)));
        assertThat(receiver.received().stream().filter(r -> failedDelivery.toString().equals(r.header("webhook-id"))))
                .as("the failed attempt and the replay").hasSize(2);
        await().atMost(WAIT).until(() -> text("notice").contains("queued for replay"));
        // the outcome of the replay arrives on the live feed
        await().atMost(WAIT).until(() -> text("live-deliveries").contains("delivered " + agency.name()));
    }

    @Test
    @Order(5)
    void newFlagAppearsInTheLiveFeedWithoutReload() {
        scrollTo("live");
        Object marker = ((JavascriptExecutor) page).executeScript("window.__noReload = 'still here'; return 1;");
        assertThat(marker).isEqualTo(1L);
        String code = Catalogue.newCode(relay, "drugs");
        flag(code, "critical", "counterfeit");

        By entry = By.cssSelector("#live-flags li[data-code='" + code + "']");
        await().atMost(Duration.ofSeconds(5)).until(() -> !page.findElements(entry).isEmpty());
        assertThat(page.findElement(entry).getText()).contains("critical").contains(code).contains("counterfeit");
        assertThat(((JavascriptExecutor) page).executeScript("return window.__noReload")).isEqualTo("still here");
        chromium.screenshot("07-live-feed");
    }

    @Test
    @Order(6)
    void phoneWidthFitsWithoutSidewaysScrolling() {
        chromium.resize(390, 844);
        page.navigate().refresh(); // the token stays in this tab's sessionStorage
        await().atMost(WAIT).untilAsserted(() -> assertThat(points("category-pie")).isPositive());
        Object overflow = ((JavascriptExecutor) page).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(((Number) overflow).intValue()).as("horizontal overflow in px").isLessThanOrEqualTo(0);
        ((JavascriptExecutor) page).executeScript("window.scrollTo(0, 0);");
        chromium.screenshot("08-phone");
        scrollTo("agencies");
        chromium.screenshot("09-phone-agencies");
        chromium.resize(1280, 800);
    }

    private void flag(String code, String severity, String reason) {
        assertThat(relay.postJson("/api/codes/" + code + "/flag",
                "{\"reason\":\"" + reason + "\",\"severity\":\"" + severity + "\"}").statusCode()).isEqualTo(202);
    }

    private void click(String buttonId) {
        click(page.findElement(By.id(buttonId)));
    }

    /** Centred first: scrolled to the top, a button sits under the sticky section tabs, which take the click. */
    private void click(WebElement button) {
        ((JavascriptExecutor) page).executeScript("arguments[0].scrollIntoView({block: 'center'});", button);
        button.click();
    }

    private String webhookPath(String suffix) {
        return "/api/admin/management/webhooks/" + agency.name() + suffix;
    }

    /** Picks an option the way a user does (a click on it), so the page sees a change event. */
    private void choose(String selectId, String value) {
        page.findElement(By.cssSelector("#" + selectId + " option[value='" + value + "']")).click();
        assertThat(page.findElement(By.id(selectId)).getAttribute("value")).isEqualTo(value);
    }

    private long points(String canvasId) {
        String value = page.findElement(By.id(canvasId)).getAttribute("data-points");
        return value == null ? 0 : Long.parseLong(value);
    }

    private long chartInstances() {
        return (Long) ((JavascriptExecutor) page).executeScript(
                "return Object.keys(Chart.instances).length;");
    }

    private int rows(String tableId) {
        return page.findElements(By.cssSelector("#" + tableId + " tbody tr")).size();
    }

    private String text(String id) {
        return page.findElement(By.id(id)).getText();
    }

    private void scrollTo(String id) {
        ((JavascriptExecutor) page).executeScript("document.getElementById(arguments[0]).scrollIntoView();", id);
    }
}
