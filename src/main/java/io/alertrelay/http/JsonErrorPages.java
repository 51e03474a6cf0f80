package io.alertrelay.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.Optional;

/**
 * Answers what the HTTP server rejects before a route runs (unknown path, wrong method, body over
 * the limit, an Accept header naming no type it answers in) with the same JSON error shape as the routes.
 */
public final class JsonErrorPages {

    private static final Logger LOG = LoggerFactory.getLogger(JsonErrorPages.class);

    private JsonErrorPages() {
    }

    public static void install(CamelContext camel) {
        for (VertxPlatformHttpRouter router : camel.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            rootRouter(router.getServer()).ifPresentOrElse(JsonErrorPages::install, () -> LOG.warn(
                    "Could not reach the HTTP server's root router: server-level errors stay in Vert.x's format"));
        }
    }

    /**
     * Unknown paths, wrong methods and oversize bodies are decided by the server's root router,
     * which Camel keeps private; error handlers of the mounted sub-router are not consulted.
     */
    private static Optional<Router> rootRouter(VertxPlatformHttpServer server) {
        try {
            Field field = VertxPlatformHttpServer.class.getDeclaredField("router");
            field.setAccessible(true);
            return Optional.ofNullable((Router) field.get(server));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static void install(Router router) {
        router.errorHandler(404, ctx -> reply(ctx, 404, "not found", "no resource at " + ctx.request().path()));
        router.errorHandler(405, ctx -> reply(ctx, 405, "method not allowed",
                ctx.request().method() + " is not supported on " + ctx.request().path()));
        router.errorHandler(406, ctx -> reply(ctx, 406, "not acceptable", "the Accept header ("
                + ctx.request().getHeader("Accept") + ") names no type " + ctx.request().path() + " answers in"));
        router.errorHandler(413, ctx -> reply(ctx, 413, "request body too large",
                "the body exceeds the configured limit (relay.http.max-body-bytes)"));
        router.errorHandler(415, ctx -> reply(ctx, 415, "unsupported content type", "expected application/json"));
        router.errorHandler(500, ctx -> reply(ctx, 500, "internal error", "the request could not be completed"));
    }

    private static void reply(RoutingContext ctx, int status, String error, String detail) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        String body = new JsonObject().put("error", error).put("details", new JsonArray().add(detail)).encode();
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }
}
