package io.alertrelay.admin;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;
import io.vertx.ext.auth.User;

import java.util.Set;

/**
 * Audits every change under /api/admin without the routes' involvement: a route policy on every
 * HTTP route records each non-GET admin request when its exchange completes (actor from the token,
 * action = route id, resource = path, status and outcome). A route may add the state before and
 * after the change by setting the exchange properties {@code auditBefore} and {@code auditAfter}.
 */
public final class AdminAudit implements RoutePolicyFactory {

    public static final String BEFORE = "auditBefore";
    public static final String AFTER = "auditAfter";
    private static final String PENDING = "auditPending";
    private static final String USER_HEADER = "CamelVertxPlatformHttpAuthenticatedUser";
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private record Pending(String actor, String method, String path) {
    }

    private final AuditLog log;

    public AdminAudit(AuditLog log) {
        this.log = log;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        if (route instanceof RouteDefinition def && def.getInput() != null) {
            String uri = def.getInput().getEndpointUri();
            // decided once per route at startup: only admin routes pay for the audit per request
            if (uri != null && (uri.startsWith("platform-http:/api/admin/") || uri.startsWith("rest:"))) {
                return new Policy();
            }
        }
        return null;
    }

    private final class Policy extends RoutePolicySupport {

        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            var in = exchange.getIn();
            String method = in.getHeader(Exchange.HTTP_METHOD, String.class);
            String path = in.getHeader(Exchange.HTTP_PATH, String.class);
            if (path == null || !path.startsWith("/")) {
                path = in.getHeader(Exchange.HTTP_URI, String.class);
            }
            if (method == null || path == null || READS.contains(method) || !path.startsWith("/api/admin")
                    || exchange.getProperty(PENDING) != null) {
                return;
            }
            Object user = in.getHeader(USER_HEADER);
            String actor = user instanceof User u && u.principal().getString("sub") != null
                    ? u.principal().getString("sub") : "anonymous";
            exchange.setProperty(PENDING, new Pending(actor, method, path));
        }

        @Override
        public void onExchangeDone(Route route, Exchange exchange) {
            Pending p = exchange.getProperty(PENDING, Pending.class);
            if (p == null) {
                return;
            }
            exchange.removeProperty(PENDING);
            Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            int status = code != null ? code : exchange.isFailed() ? 500 : 200;
            Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            if (caught == null) {
                caught = exchange.getException();
            }
            String detail = status >= 400 && caught != null ? caught.getMessage() : null;
            log.record(new AuditLog.Entry(p.actor(), route.getRouteId(), p.method(), p.path(), status,
                    exchange.getProperty(BEFORE), exchange.getProperty(AFTER), detail));
        }
    }
}
