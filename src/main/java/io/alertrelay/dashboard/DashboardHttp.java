package io.alertrelay.dashboard;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Puts the dashboard on the platform-http server: the page and its assets (a fixed list read from the
 * jar, the chart library from its webjar) under {@code /dashboard/}, and the live stream of Server-Sent
 * Events at {@code /dashboard/stream?ticket=...}. Both are Vert.x handlers because a Camel route
 * answers once, while a stream stays open.
 */
final class DashboardHttp {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardHttp.class);
    static final String CHART_JS = "/META-INF/resources/webjars/chart.js/%s/dist/chart.umd.min.js";

    private static final String PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private DashboardHttp() {
    }

    record Asset(byte[] body, String contentType, String etag) {
    }

    static void install(CamelContext camel, LiveFeed feed, StreamTickets tickets) {
        Map<String, Asset> assets = assets();
        for (Router router : camel.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            router.get("/dashboard/stream").handler(ctx -> stream(ctx, feed, tickets));
            router.get("/dashboard/*").handler(ctx -> serve(ctx, assets));
        }
    }

    private static void serve(RoutingContext ctx, Map<String, Asset> assets) {
        String full = ctx.request().path();
        if (full.equals("/dashboard")) {
            ctx.response().setStatusCode(301).putHeader("Location", "/dashboard/").end();
            return;
        }
        String path = full.substring("/dashboard/".length());
        Asset asset = assets.get(path.isEmpty() ? "index.html" : path);
        if (asset == null) {
            ctx.next(); // the server's JSON 404
            return;
        }
        HttpServerResponse response = ctx.response()
                .putHeader("Content-Type", asset.contentType())
                .putHeader("Cache-Control", "no-cache")
                .putHeader("ETag", asset.etag())
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer");
        if (asset.contentType().startsWith("text/html")) {
            response.putHeader("Content-Security-Policy", PAGE_POLICY).putHeader("X-Frame-Options", "DENY");
        }
        if (asset.etag().equals(ctx.request().getHeader("If-None-Match"))) {
            response.setStatusCode(304).end();
            return;
        }
        response.end(Buffer.buffer(asset.body()));
    }

    private static void stream(RoutingContext ctx, LiveFeed feed, StreamTickets tickets) {
        HttpServerResponse response = ctx.response();
        if (!tickets.valid(ctx.request().getParam("ticket"))) {
            error(response, 401, "invalid stream ticket",
                    "get a fresh ticket from POST /api/admin/stream-tickets with an admin token");
            return;
        }
        Context context = ctx.vertx().getOrCreateContext();
        AtomicBoolean open = new AtomicBoolean(true);
        LiveSink sink = frame -> {
            if (!open.get()) {
                return false;
            }
            context.runOnContext(v -> {
                if (!open.get()) {
                    return;
                }
                if (response.writeQueueFull()) {
                    // a client that does not read is dropped rather than buffered without bound
                    open.set(false);
                    response.reset();
                    return;
                }
                response.write(frame);
            });
            return true;
        };
        if (!feed.subscribe(sink)) {
            error(response, 503, "too many live streams", "the dashboard stream accepts a limited number of clients");
            return;
        }
        response.closeHandler(v -> {
            open.set(false);
            feed.unsubscribe(sink);
        });
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.write("retry: 2000\n\nevent: ready\ndata: {}\n\n");
    }

    private static void error(HttpServerResponse response, int status, String error, String detail) {
        response.setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", error).put("details", new JsonArray().add(detail)).encode());
    }

    private static Map<String, Asset> assets() {
        Map<String, Asset> assets = new LinkedHashMap<>();
        assets.put("index.html", asset("/dashboard/index.html", "text/html; charset=utf-8"));
        assets.put("app.js", asset("/dashboard/app.js", "text/javascript; charset=utf-8"));
        assets.put("app.css", asset("/dashboard/app.css", "text/css; charset=utf-8"));
        assets.put("vendor/chart.umd.min.js", asset(String.format(CHART_JS, chartJsVersion()), "text/javascript; charset=utf-8"));
        return assets;
    }

    static String chartJsVersion() {
        try (InputStream in = DashboardHttp.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the chart.js webjar is not on the classpath");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Asset asset(String resource, String contentType) {
        try (InputStream in = DashboardHttp.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing dashboard resource " + resource);
            }
            byte[] body = in.readAllBytes();
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 12) + "\"";
            return new Asset(body, contentType, etag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void logReady(int port) {
        LOG.info("Dashboard on http://localhost:{}/dashboard/", port);
    }
}
