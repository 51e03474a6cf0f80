package io.alertrelay.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real agency webhook endpoint on loopback: records every request (headers, body, arrival time)
 * and answers from a script of responses, then with a default (200 and a case number).
 */
public final class AgencyReceiver implements AutoCloseable {

    /** One request as the agency saw it; header names are lower-case. */
    public record Received(Map<String, String> headers, String body, long atMillis) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }

        /** The three Standard Webhooks headers, as the reference verifier takes them. */
        public Map<String, List<String>> signedHeaders() {
            return Map.of("webhook-id", List.of(header("webhook-id")),
                    "webhook-timestamp", List.of(header("webhook-timestamp")),
                    "webhook-signature", List.of(header("webhook-signature")));
        }
    }

    /** One scripted answer. */
    public record Reply(int status, Map<String, String> headers, String body) {
        public static Reply status(int status) {
            return new Reply(status, Map.of(), "{\"error\":\"scripted " + status + "\"}");
        }
    }

    static {
        // the JDK server otherwise leaves Nagle on: keep-alive deliveries would stall ~40 ms each
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Reply> script = new ConcurrentLinkedDeque<>();
    private volatile Reply fallback = new Reply(200, Map.of(), null);
    private volatile long delayMillis;

    public AgencyReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", this::handle);
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers the next requests with these, in order. */
    public AgencyReceiver thenReply(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** Answers every request not covered by the script with this. */
    public AgencyReceiver byDefault(Reply reply) {
        this.fallback = reply;
        return this;
    }

    /** Answers every request only after this long (a slow agency). */
    public AgencyReceiver slowBy(java.time.Duration delay) {
        this.delayMillis = delay.toMillis();
        return this;
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    public List<Received> receivedAt(String path) {
        return received.stream().filter(r -> path.equals(r.header(":path"))).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        headers.put(":path", exchange.getRequestURI().getPath());
        headers.put(":method", exchange.getRequestMethod());
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(headers, body, System.currentTimeMillis()));
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis); // the agency's own slowness, not a test synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Reply reply = script.poll();
        if (reply == null) {
            reply = fallback;
        }
        String out = reply.body() != null ? reply.body()
                : "{\"caseNumber\":\"CASE-" + headers.getOrDefault("webhook-id", "none") + "\"}";
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
