package io.alertrelay.security;

import java.util.Set;

/** Who a verified bearer token speaks for: its subject and roles. */
public record Principal(String subject, Set<String> roles) {

    public static final String SUPER_ADMIN = "SUPER_ADMIN";
    public static final String REPORTER = "REPORTER";
    public static final String MANUFACTURER = "MANUFACTURER";
    public static final String PARTNER = "PARTNER";

    public Principal {
        roles = Set.copyOf(roles);
    }

    public boolean hasAnyOf(Set<String> wanted) {
        for (String r : wanted) {
            if (roles.contains(r)) {
                return true;
            }
        }
        return false;
    }
}
