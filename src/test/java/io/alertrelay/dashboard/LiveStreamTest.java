package io.alertrelay.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.support.Catalogue;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's page, assets and live stream on the shared relay. */
class LiveStreamTest {

    private final TestRelay relay = TestRelay.shared();

    @Test
    void pageAndChartLibraryAreServedFromTheJar() {
        HttpResponse<String> redirect = relay.get("/dashboard");
        assertThat(redirect.statusCode()).isEqualTo(301);
        assertThat(redirect.headers().firstValue("Location")).hasValue("/dashboard/");

        HttpResponse<String> page = relay.get("/dashboard/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(p -> assertThat(p).contains("script-src 'self'"));
        assertThat(page.body()).contains("<canvas id=\"category-pie\"");

        HttpResponse<String> chart = relay.get("/dashboard/vendor/chart.umd.min.js");
        assertThat(chart.statusCode()).isEqualTo(200);
        assertThat(chart.body()).contains("Chart.js v" + DashboardHttp.chartJsVersion());

        assertThat(relay.get("/dashboard/app.js").statusCode()).isEqualTo(200);
        HttpResponse<String> missing = relay.get("/dashboard/../pom.xml");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(relay.get("/dashboard/nothing-here.js").statusCode()).isEqualTo(404);
    }

    @Test
    void onlyAnAdminTokenGetsAStreamTicket() {
        assertThat(relay.request("POST", "/api/admin/stream-tickets", null, null, null).statusCode()).isEqualTo(401);
        assertThat(relay.request("POST", "/api/admin/stream-tickets", relay.token("reporter", "REPORTER"), null, null)
                .statusCode()).isEqualTo(403);
        HttpResponse<String> ok = relay.request("POST", "/api/admin/stream-tickets", relay.adminToken(), null, null);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(relay.json(ok).get("ticket").asText()).matches("\\d+\\.[A-Za-z0-9_-]{43}");
    }

    @Test
    void streamRefusesAMissingOrForgedTicket() {
        HttpResponse<String> none = relay.get("/dashboard/stream");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(relay.json(none).get("error").asText()).isEqualTo("invalid stream ticket");

        String ticket = relay.json(relay.postJson("/api/admin/stream-tickets", "")).get("ticket").asText();
        String forged = ticket.substring(0, ticket.length() - 2) + (ticket.endsWith("AA") ? "BB" : "AA");
        assertThat(relay.get("/dashboard/stream?ticket=" + forged).statusCode()).isEqualTo(401);
        long past = System.currentTimeMillis() / 1000 - 5;
        assertThat(relay.get("/dashboard/stream?ticket=" + past + ticket.substring(ticket.indexOf('.'))).statusCode())
                .isEqualTo(401);
    }

    @Test
    void newFlagIsPushedToAnOpenStream() throws Exception {
        JsonNode issued = relay.json(relay.postJson("/api/admin/stream-tickets", ""));
        assertThat(issued.get("expiresAt").asText()).isNotBlank();
        // the stream authenticates by ticket, not by bearer token: a plain client is what a browser is here
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> stream = client.send(HttpRequest.newBuilder(
                        URI.create(relay.baseUrl() + "/dashboard/stream?ticket=" + issued.get("ticket").asText())).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                    seen.add(line);
                }
            } catch (Exception ignored) {
                // the test closed the stream
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            assertThat(nextData(lines, "ready")).isNotNull();

            String code = Catalogue.newCode(relay, "drugs");
            long sent = System.nanoTime();
            assertThat(relay.postJson("/api/codes/" + code + "/flag", "{\"reason\":\"counterfeit\",\"severity\":\"critical\"}")
                    .statusCode()).isEqualTo(202);
            String flag = null;
            for (String data = nextData(lines, "flag"); data != null; data = nextData(lines, "flag")) {
                if (data.contains(code)) {
                    flag = data;
                    break;
                }
            }
            assertThat(flag).as("flag event for " + code + " among " + seen).isNotNull();
            // reported, not asserted (no timing assertions): the poll interval is 500 ms
            System.out.printf("live feed: flag accepted -> event received in %d ms%n", (System.nanoTime() - sent) / 1_000_000);
            JsonNode event = new com.fasterxml.jackson.databind.ObjectMapper().readTree(flag);
            assertThat(event.get("category").asText()).isEqualTo("drugs");
            assertThat(event.get("severity").asText()).isEqualTo("critical");
            assertThat(event.get("reason").asText()).isEqualTo("counterfeit");
        } finally {
            stream.body().close();
            reader.interrupt();
        }
    }

    /** The data line of the next event of this type, or null when none comes within 5 s. */
    private static String nextData(BlockingQueue<String> lines, String type) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        boolean inEvent = false;
        while (System.nanoTime() < deadline) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                return null;
            }
            if (line.startsWith("event: ")) {
                inEvent = line.substring(7).equals(type);
            } else if (inEvent && line.startsWith("data: ")) {
                return line.substring(6);
            }
        }
        return null;
    }
}
