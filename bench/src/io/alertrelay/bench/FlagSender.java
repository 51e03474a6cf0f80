package io.alertrelay.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * The fixed-rate phases' sender: Vert.x's HTTP client on one event loop, keep-alive, pooled connections.
 * (The JDK client used before cost the bench about half a core at 1,000 requests/s, taken from the relay
 * on this 2-core machine.)
 */
final class FlagSender implements AutoCloseable {

    private final String token;
    private final Vertx vertx;
    private final HttpClient http;

    FlagSender(Options opt, String token) {
        this.token = token;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        URI base = URI.create(opt.url());
        this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(base.getHost())
                        .setDefaultPort(base.getPort()).setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(5000),
                new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1));
    }

    /** POSTs a flag; {@code done} gets the status (-1 on an error) and the body, on the event loop. */
    void send(String code, String severity, BiConsumer<Integer, String> done) {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/codes/" + code + "/flag")
                .setIdleTimeout(30_000).putHeader("Content-Type", "application/json");
        if (!token.isEmpty()) {
            request.putHeader("Authorization", "Bearer " + token);
        }
        String body = "{\"reason\":\"counterfeit\",\"severity\":\"" + severity + "\",\"note\":\"bench\"}";
        // exactly one answer per request: the response, an error, or this watchdog
        AtomicBoolean answered = new AtomicBoolean();
        long watchdog = vertx.setTimer(40_000, id -> {
            if (answered.compareAndSet(false, true)) {
                done.accept(-1, "no answer within 40 s");
            }
        });
        // issued on the client's own event loop: issued from this (foreign) thread, about one response in
        // 10,000 never reached its callback although the relay had committed the flag
        vertx.runOnContext(v -> http.request(request)
                .compose(r -> r.send(body))
                .compose(r -> r.body().map(b -> Map.entry(r.statusCode(), b.toString())))
                .onComplete(ar -> {
                    if (!answered.compareAndSet(false, true)) {
                        return;
                    }
                    vertx.cancelTimer(watchdog);
                    if (ar.succeeded()) {
                        done.accept(ar.result().getKey(), ar.result().getValue());
                    } else {
                        done.accept(-1, String.valueOf(ar.cause()));
                    }
                }));
    }

    @Override
    public void close() {
        vertx.close();
    }
}
