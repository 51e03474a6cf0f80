package io.alertrelay.ops;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The HTTP side of a route swap. Camel replaces a reloaded route by stopping it (its HTTP consumer
 * answers 503, then 404 while it is gone) and starting the new one; a request that reaches a route in
 * between fails. This Vert.x handler, in front of every other, makes the swap invisible to clients:
 * while it is {@linkplain #close() closed} new requests are held (paused, not read), the requests
 * already admitted are waited for ({@link #drain}), and on {@link #open()} the held ones are routed
 * again, now to the new routes. Open, it only counts the requests in flight.
 * <p>
 * The dashboard's assets and live stream are served by Vert.x handlers no reload replaces: they are
 * neither held nor counted (a stream stays open for hours).
 */
final class RouteSwapGate implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(RouteSwapGate.class);
    /** Before everything, the HTTP guard included: a held request is authenticated once, after it. */
    private static final int GATE_ORDER = -2_000_000;
    private static final String ADMITTED = RouteSwapGate.class.getName() + ".admitted";

    private final Set<Object> installed = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Held> held = new ArrayList<>();
    private int inFlight;
    private boolean closed;

    private record Held(RoutingContext ctx, Context context) {
    }

    /** Puts the gate in front of every platform-http router Camel has bound (once per router). */
    synchronized void install(CamelContext camel) {
        for (VertxPlatformHttpRouter router : camel.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            if (installed.add(router)) {
                router.route().order(GATE_ORDER).handler(this);
            }
        }
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (ctx.get(ADMITTED) != null || ctx.normalizedPath().startsWith("/dashboard/")) {
            ctx.next();
            return;
        }
        synchronized (this) {
            if (closed) {
                ctx.request().pause();
                held.add(new Held(ctx, Vertx.currentContext()));
                return;
            }
            admit(ctx);
        }
        ctx.next();
    }

    /** Counted until its answer ends or its connection closes. */
    private void admit(RoutingContext ctx) {
        ctx.put(ADMITTED, Boolean.TRUE);
        inFlight++;
        ctx.addEndHandler(done -> {
            synchronized (this) {
                inFlight--;
                notifyAll();
            }
        });
    }

    /** From now on new requests wait. */
    synchronized void close() {
        closed = true;
    }

    /**
     * Waits until the requests admitted before {@link #close()} have been answered, at most
     * {@code timeout}; false if some are still running then (the swap goes ahead anyway).
     */
    synchronized boolean drain(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (inFlight > 0) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                LOG.warn("{} requests still running after {} ms: replacing the routes anyway", inFlight, timeout.toMillis());
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Lets the held requests through, each routed again on its own event loop, and new ones straight on. */
    void open() {
        List<Held> release;
        synchronized (this) {
            closed = false;
            release = new ArrayList<>(held);
            held.clear();
        }
        for (Held h : release) {
            Runnable go = () -> {
                synchronized (this) {
                    admit(h.ctx());
                }
                h.ctx().request().resume();
                h.ctx().reroute(h.ctx().request().method(), h.ctx().request().uri());
            };
            if (h.context() == null) {
                go.run();
            } else {
                h.context().runOnContext(v -> go.run());
            }
        }
        if (!release.isEmpty()) {
            LOG.debug("{} requests held during a route swap were let through", release.size());
        }
    }
}
