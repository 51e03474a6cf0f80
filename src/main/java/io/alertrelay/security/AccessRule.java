package io.alertrelay.security;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may call a path (SPEC §7): public, any valid token, or a token with one of some roles; and
 * whether the per-client request limit applies.
 */
public record AccessRule(boolean needsToken, Set<String> roles, boolean rateLimited) {

    private static final AccessRule PUBLIC = new AccessRule(false, Set.of(), false);
    private static final AccessRule PUBLIC_LIMITED = new AccessRule(false, Set.of(), true);
    private static final AccessRule ADMIN = new AccessRule(true, Set.of(Principal.SUPER_ADMIN), false);
    private static final AccessRule REPORTERS = new AccessRule(true,
            Set.of(Principal.REPORTER, Principal.MANUFACTURER, Principal.SUPER_ADMIN), true);
    private static final AccessRule PARTNERS = new AccessRule(true, Set.of(Principal.PARTNER, Principal.SUPER_ADMIN), true);
    private static final AccessRule ANY_TOKEN_LIMITED = new AccessRule(true, Set.of(), true);
    private static final AccessRule ANY_TOKEN = new AccessRule(true, Set.of(), false);
    private static final Pattern FLAG = Pattern.compile("^/api/codes/[^/]+/(flag|unflag)/?$");

    /** The rule for a normalised request path. */
    public static AccessRule forPath(String path) {
        if (path.equals("/api/admin") || path.startsWith("/api/admin/")) {
            return ADMIN;
        }
        if (path.equals("/api/openapi.json")) {
            return PUBLIC;
        }
        if (FLAG.matcher(path).matches()) {
            return REPORTERS;
        }
        if (path.equals("/api/flags") || path.startsWith("/api/flags/")) {
            return ANY_TOKEN_LIMITED;
        }
        if (path.startsWith("/api/events")) {
            return PARTNERS;
        }
        if (path.equals("/api") || path.startsWith("/api/")) {
            return ANY_TOKEN;
        }
        if (path.equals("/webhooks") || path.startsWith("/webhooks/")) {
            return PUBLIC_LIMITED;
        }
        // /demo/**, /observe/**, /dashboard** and anything else outside /api
        return PUBLIC;
    }

    public boolean allows(Principal principal) {
        return roles.isEmpty() || principal.hasAnyOf(roles);
    }
}
