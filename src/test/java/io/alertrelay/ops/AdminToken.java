package io.alertrelay.ops;

import io.alertrelay.security.BearerTokens;
import io.alertrelay.security.Principal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A SUPER_ADMIN bearer token for relay JVMs started with this secret, minted as the relay mints its own. */
final class AdminToken {

    private AdminToken() {
    }

    static String mint(String secret) {
        return new BearerTokens(Optional.of(secret), Optional.empty())
                .mint("ops-test", List.of(Principal.SUPER_ADMIN), Duration.ofHours(1));
    }
}
