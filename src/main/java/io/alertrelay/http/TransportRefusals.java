package io.alertrelay.http;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Answers the requests Vert.x refuses while decoding them, before any router or route sees them
 * (a request line over {@code maxInitialLineLength}: 414, headers over {@code maxHeaderSize}: 431,
 * any other undecodable request: 400), with the relay's JSON error body instead of Vert.x's empty one.
 *
 * <p>Vert.x takes the handler for these ({@link HttpServer#invalidRequestHandler}) only before the
 * server listens: each connection gets the handler the server had when {@code listen} was called.
 * camel-platform-http-vertx creates and starts its server in one step, but takes the {@link Vertx}
 * from the registry when one is bound; so the relay binds a Vert.x whose {@code createHttpServer}
 * sets the limits and this handler on the server Camel creates, and forwards everything else.
 */
public final class TransportRefusals {

    /** The limits applied to the server Camel creates. */
    public record Limits(int maxInitialLineBytes, int maxHeaderBytes) {
    }

    private final Limits limits;

    public TransportRefusals(Limits limits) {
        this.limits = limits;
    }

    /** A Vert.x instance for camel-platform-http-vertx to use (bind it in the registry); close it after Camel stopped. */
    public Vertx vertx(VertxOptions options) {
        Vertx real = Vertx.vertx(options);
        InvocationHandler forward = (proxy, method, args) -> {
            switch (method.getName()) {
                case "createHttpServer" -> {
                    HttpServerOptions serverOptions = args != null && args.length == 1 && args[0] instanceof HttpServerOptions o
                            ? new HttpServerOptions(o) : new HttpServerOptions();
                    serverOptions.setMaxInitialLineLength(limits.maxInitialLineBytes());
                    serverOptions.setMaxHeaderSize(limits.maxHeaderBytes());
                    return real.createHttpServer(serverOptions).invalidRequestHandler(this::answer);
                }
                case "equals" -> {
                    if (args != null && args.length == 1 && method.getParameterCount() == 1) {
                        return proxy == args[0];
                    }
                }
                case "hashCode" -> {
                    if (method.getParameterCount() == 0) {
                        return System.identityHashCode(proxy);
                    }
                }
                case "toString" -> {
                    if (method.getParameterCount() == 0) {
                        return "relay Vert.x (" + real + ")";
                    }
                }
                default -> {
                    // forwarded below
                }
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        // VertxInternal too: Vert.x Web and Camel cast the instance they are given to it
        return (Vertx) Proxy.newProxyInstance(TransportRefusals.class.getClassLoader(),
                new Class<?>[]{VertxInternal.class}, forward);
    }

    /** What Vert.x's own handler would answer, with a JSON body; the connection is closed after it. */
    void answer(HttpServerRequest request) {
        DecoderResult result = request.decoderResult();
        Throwable cause = result == null ? null : result.cause();
        int status;
        String error;
        String detail;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            error = "URI too long";
            detail = "the request line (method, URI, version) exceeds " + limits.maxInitialLineBytes()
                    + " bytes (relay.http.max-initial-line-bytes)";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            error = "request header fields too large";
            detail = "the request headers exceed " + limits.maxHeaderBytes() + " bytes (relay.http.max-header-bytes)";
        } else {
            status = 400;
            error = "invalid HTTP request";
            detail = cause == null || cause.getMessage() == null ? "the request could not be decoded"
                    : "the request could not be decoded: " + cause.getMessage();
        }
        HttpServerResponse response = request.response();
        String body = new JsonObject().put("error", error).put("details", new JsonArray().add(detail)).encode();
        // the rest of what the client sent cannot be read as HTTP: answer, then close
        response.setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                .end(body).onComplete(done -> response.close());
    }
}
