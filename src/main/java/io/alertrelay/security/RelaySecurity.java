package io.alertrelay.security;

import io.alertrelay.config.RelaySettings;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Installs authentication, access rules and the per-client request limit once, at the HTTP server,
 * in front of every route (so routes need no security code), and in embedded mode logs a
 * ready-to-use admin token.
 */
public final class RelaySecurity {

    private static final Logger LOG = LoggerFactory.getLogger(RelaySecurity.class);
    /** Before every handler Camel's routes add to the router (they use the default order). */
    private static final int GUARD_ORDER = -1_000_000;

    private RelaySecurity() {
    }

    /** The token service the settings describe (HS256 secret and/or JWKS URL). */
    public static BearerTokens tokens(RelaySettings settings) {
        return new BearerTokens(settings.find("relay.auth.jwt-secret"), settings.find("relay.auth.jwks-url"));
    }

    public static BearerTokens install(Main main, RelaySettings settings, HttpGuard.Refusals refusals, boolean embeddedMode) {
        BearerTokens tokens = tokens(settings);
        ClientRateLimiter limiter = new ClientRateLimiter(settings.getInt("relay.http.client-rate-limit.per-minute", 100));
        HttpGuard guard = new HttpGuard(tokens, limiter, refusals);
        main.bind("bearerTokens", tokens);
        Duration ttl = Duration.parse(settings.get("relay.auth.startup-token-ttl", "PT24H"));
        // embedded mode is the local dev default: hand the newcomer a working admin token once started
        Runnable announceToken = embeddedMode && settings.find("relay.auth.jwt-secret").isPresent()
                ? () -> LOG.info("Admin token (SUPER_ADMIN, valid {}h): {}", ttl.toHours(),
                        tokens.mint("admin", List.of(Principal.SUPER_ADMIN), ttl))
                : () -> { };
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                m.getCamelContext().getManagementStrategy().addEventNotifier(new GuardInstaller(guard, announceToken));
            }
        });
        return tokens;
    }

    /**
     * Puts the guard on the platform-http router when the server exists but before any route's
     * consumer starts, so no request ever reaches a route unguarded.
     */
    private static final class GuardInstaller extends EventNotifierSupport {

        private final HttpGuard guard;
        private final Runnable onStarted;
        private final Set<Object> guarded = Collections.newSetFromMap(new IdentityHashMap<>());

        GuardInstaller(HttpGuard guard, Runnable onStarted) {
            this.guard = guard;
            this.onStarted = onStarted;
            setIgnoreExchangeEvents(true);
            setIgnoreRouteEvents(true);
            setIgnoreServiceEvents(true);
            setIgnoreStepEvents(true);
            setIgnoreCamelContextInitEvents(true);
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.CamelContextRoutesStartingEvent
                    || event instanceof CamelEvent.CamelContextStartedEvent;
        }

        @Override
        public synchronized void notify(CamelEvent event) {
            var context = ((CamelEvent.CamelContextEvent) event).getContext();
            for (VertxPlatformHttpRouter router : context.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
                if (guarded.add(router)) {
                    router.route().order(GUARD_ORDER).handler(guard);
                    LOG.debug("HTTP guard installed on router {}", router.getName());
                }
            }
            if (event instanceof CamelEvent.CamelContextStartedEvent) {
                if (guarded.isEmpty()) {
                    LOG.error("No platform-http router found: the HTTP API is not protected");
                }
                onStarted.run();
            }
        }
    }
}
