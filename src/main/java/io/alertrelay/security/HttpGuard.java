package io.alertrelay.security;

import io.alertrelay.http.ApiProblem;
import io.alertrelay.http.NulGuard;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/**
 * The HTTP server's gate, in front of every route: authenticates bearer tokens, applies the access
 * rules (401 without or with a bad token, 403 with the wrong role) and the per-client request limit
 * (429 with Retry-After). The verified principal becomes the request's Vert.x user, which Camel hands
 * to routes as the header {@code CamelVertxPlatformHttpAuthenticatedUser}.
 */
public final class HttpGuard implements Handler<RoutingContext> {

    /** Told of requests the gate refused, so refused admin changes are audited too. */
    @FunctionalInterface
    public interface Refusals {
        void refused(String actor, String method, String path, int status, String reason);
    }

    private static final String REALM = "Bearer realm=\"alert-relay\"";

    private final BearerTokens tokens;
    private final ClientRateLimiter limiter;
    private final Refusals refusals;

    public HttpGuard(BearerTokens tokens, ClientRateLimiter limiter, Refusals refusals) {
        this.tokens = tokens;
        this.limiter = limiter;
        this.refusals = refusals;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.method() == HttpMethod.OPTIONS) {
            ctx.next();
            return;
        }
        String path = ctx.normalizedPath();
        AccessRule rule = AccessRule.forPath(path);
        if (!rule.needsToken()) {
            limitThenNext(ctx, rule, Optional.empty());
            return;
        }
        Optional<String> token = bearer(ctx);
        if (token.isEmpty()) {
            unauthorized(ctx, path, "missing bearer token (Authorization: Bearer <token>)", false);
            return;
        }
        // looked up and parsed once: for the question below and for the verification
        BearerTokens.Presented presented = tokens.present(token.get());
        if (!presented.mayBlock()) {
            decide(ctx, rule, path, verify(presented));
            return;
        }
        // JWKS keys may have to be fetched: off the event loop, with the body held back meanwhile
        request.pause();
        ctx.vertx().executeBlocking(() -> verify(presented), false).onComplete(result -> {
            request.resume();
            decide(ctx, rule, path, result.succeeded() ? result.result() : new Verified(null, "token could not be verified"));
        });
    }

    private record Verified(Principal principal, String problem) {
    }

    private Verified verify(BearerTokens.Presented token) {
        try {
            return new Verified(tokens.verify(token), null);
        } catch (TokenRejected e) {
            return new Verified(null, e.getMessage());
        }
    }

    private void decide(RoutingContext ctx, AccessRule rule, String path, Verified verified) {
        if (verified.principal() == null) {
            unauthorized(ctx, path, verified.problem(), true);
            return;
        }
        Principal principal = verified.principal();
        if (!rule.allows(principal)) {
            String needed = String.join(" or ", rule.roles().stream().sorted().toList());
            refuse(ctx, principal.subject(), path, 403, "forbidden", "this endpoint requires the role " + needed);
            return;
        }
        JsonObject user = new JsonObject().put("sub", principal.subject())
                .put("roles", new JsonArray(principal.roles().stream().sorted().toList()));
        ctx.setUser(User.create(user));
        limitThenNext(ctx, rule, Optional.of(principal));
    }

    private void limitThenNext(RoutingContext ctx, AccessRule rule, Optional<Principal> principal) {
        if (rule.rateLimited()) {
            String client = principal.map(p -> "sub:" + p.subject())
                    .orElseGet(() -> "ip:" + (ctx.request().remoteAddress() == null ? "unknown"
                            : ctx.request().remoteAddress().host()));
            ClientRateLimiter.Decision decision = limiter.tryAcquire(client);
            if (!decision.allowed()) {
                long seconds = Math.max(1, (decision.retryAfter().toMillis() + 999) / 1000);
                ctx.response().putHeader("Retry-After", String.valueOf(seconds));
                reply(ctx, 429, "too many requests", "at most " + limiter.perMinute()
                        + " requests a minute per client; retry in " + seconds + " s");
                return;
            }
        }
        Optional<ApiProblem> nul = NulGuard.request(ctx.request());
        if (nul.isPresent()) {
            ApiProblem p = nul.get();
            reply(ctx, p.status(), p.getMessage(), new JsonArray(p.details()));
            audit(ctx, principal.map(Principal::subject).orElse("anonymous"), ctx.normalizedPath(), p.status(), p.getMessage());
            return;
        }
        ctx.next();
    }

    private void unauthorized(RoutingContext ctx, String path, String reason, boolean tokenWasSent) {
        ctx.response().putHeader("WWW-Authenticate", tokenWasSent
                ? REALM + ", error=\"invalid_token\", error_description=\"" + reason.replace("\"", "'") + "\"" : REALM);
        refuse(ctx, "anonymous", path, 401, "unauthorized", reason);
    }

    private void refuse(RoutingContext ctx, String actor, String path, int status, String error, String reason) {
        reply(ctx, status, error, reason);
        audit(ctx, actor, path, status, reason);
    }

    /** A refused admin change is audited like an accepted one. */
    private void audit(RoutingContext ctx, String actor, String path, int status, String reason) {
        String method = ctx.request().method().name();
        if (path.startsWith("/api/admin") && !"GET".equals(method) && !"HEAD".equals(method)) {
            refusals.refused(actor, method, path, status, reason);
        }
    }

    /** The token from {@code Authorization: Bearer}, or for EventSource streams an access_token parameter. */
    private static Optional<String> bearer(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && header.length() > 7) {
            return Optional.of(header.substring(7).trim());
        }
        String accept = ctx.request().getHeader("Accept");
        String query = ctx.request().getParam("access_token");
        if (ctx.request().method() == HttpMethod.GET && accept != null && accept.contains("text/event-stream")
                && query != null && !query.isBlank()) {
            return Optional.of(query.trim());
        }
        return Optional.empty();
    }

    private static void reply(RoutingContext ctx, int status, String error, String detail) {
        reply(ctx, status, error, new JsonArray().add(detail));
    }

    private static void reply(RoutingContext ctx, int status, String error, JsonArray details) {
        if (ctx.response().ended()) {
            return;
        }
        String body = new JsonObject().put("error", error).put("details", details).encode();
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }
}
