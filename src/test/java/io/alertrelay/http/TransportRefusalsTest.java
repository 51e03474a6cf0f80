package io.alertrelay.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests Vert.x refuses while decoding them (request line or headers over the limit, a header it
 * cannot take) get the same JSON error body as every other refusal, sent over a raw socket since an
 * HTTP client would refuse to send them.
 */
class TransportRefusalsTest {

    private final TestRelay relay = TestRelay.shared();

    record Answer(int status, Map<String, String> headers, String body) {
    }

    private Answer send(String request) throws IOException {
        URI base = URI.create(relay.baseUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    got.write(buf, 0, n);
                    if (complete(got.toString(StandardCharsets.ISO_8859_1))) {
                        break;
                    }
                }
            } catch (SocketException e) {
                // the server closes after answering; what arrived before counts
            }
            return parse(got.toString(StandardCharsets.UTF_8));
        }
    }

    /** Head read and as many body bytes as Content-Length says. */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        Map<String, String> headers = parse(text).headers();
        String length = headers.get("content-length");
        return length != null && text.length() - end - 4 >= Integer.parseInt(length.trim());
    }

    private static Answer parse(String text) {
        int end = text.indexOf("\r\n\r\n");
        assertThat(end).as("an HTTP answer, got: " + text).isPositive();
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        return new Answer(status, headers, text.substring(end + 4));
    }

    private static JsonNode jsonError(Answer answer, int status) throws IOException {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().get("content-type")).startsWith("application/json");
        JsonNode body = new ObjectMapper().readTree(answer.body());
        assertThat(body.get("error").isTextual()).isTrue();
        assertThat(body.get("details").isArray()).isTrue();
        assertThat(body.get("details")).isNotEmpty();
        return body;
    }

    @Test
    void aTenKilobyteUriIs414WithTheJsonErrorBody() throws IOException {
        String uri = "/api/events/" + "a".repeat(10 * 1024);
        JsonNode body = jsonError(send("GET " + uri + " HTTP/1.1\r\nHost: relay\r\n\r\n"), 414);
        assertThat(body.get("error").asText()).isEqualTo("URI too long");
        assertThat(body.get("details").get(0).asText()).contains("4096 bytes");
    }

    @Test
    void aTwentyKilobyteHeaderIs431WithTheJsonErrorBody() throws IOException {
        JsonNode body = jsonError(send("GET /observe/health HTTP/1.1\r\nHost: relay\r\nX-Padding: "
                + "b".repeat(20 * 1024) + "\r\n\r\n"), 431);
        assertThat(body.get("error").asText()).isEqualTo("request header fields too large");
        assertThat(body.get("details").get(0).asText()).contains("8192 bytes");
    }

    @Test
    void aHeaderHoldingANulIs400WithTheJsonErrorBody() throws IOException {
        jsonError(send("GET /observe/health HTTP/1.1\r\nHost: relay\r\nX-Note: a\u0000b\r\nConnection: close\r\n\r\n"), 400);
    }

    @Test
    void theRelaysOwnVertxStopsWithTheRelay() throws IOException {
        java.util.function.LongSupplier eventLoops = () -> Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("vert.x-eventloop-thread")).count();
        long before = eventLoops.getAsLong();
        try (TestRelay own = TestRelay.start(Map.of())) {
            assertThat(own.get("/observe/health").statusCode()).isIn(200, 503);
            assertThat(eventLoops.getAsLong()).isGreaterThan(before);
        }
        // Camel closes only a Vert.x it created itself; the relay closes the one it bound
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> eventLoops.getAsLong() <= before);
    }

    @Test
    void requestsWithinTheLimitsAreServedAsBefore() throws IOException {
        Answer ok = send("GET /observe/health HTTP/1.1\r\nHost: relay\r\nX-Padding: " + "c".repeat(4 * 1024)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(ok.status()).as(ok.body()).isIn(200, 503);
        jsonError(send("GET /no/such/" + "d".repeat(3000) + " HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n"), 404);
    }
}
