package io.alertrelay.security;

import io.alertrelay.config.LocalSecrets;
import io.alertrelay.config.RelaySettings;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar alert-relay.jar token --role SUPER_ADMIN [--role REPORTER] [--subject ops] [--ttl PT24H]}:
 * prints a bearer token signed with the configured secret (in embedded mode, the data directory's
 * generated one, so the token works against the service running on that directory).
 */
public final class TokenCommand {

    private TokenCommand() {
    }

    public static int run(String[] args, RelaySettings settings, PrintStream out, PrintStream err) {
        List<String> roles = new ArrayList<>();
        String subject = "ops";
        Duration ttl = Duration.ofHours(24);
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--role", "--roles" -> {
                        for (String r : value(args, ++i, arg).split(",")) {
                            if (!r.isBlank()) {
                                roles.add(r.trim().toUpperCase());
                            }
                        }
                    }
                    case "--subject" -> subject = value(args, ++i, arg);
                    case "--ttl" -> ttl = Duration.parse(value(args, ++i, arg));
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (roles.isEmpty()) {
                throw new IllegalArgumentException("at least one --role is required (SUPER_ADMIN, REPORTER, MANUFACTURER, PARTNER)");
            }
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("--ttl must be positive (ISO-8601, e.g. PT24H)");
            }
            if (settings.find("relay.auth.jwt-secret").isEmpty() && settings.embeddedDatabase()) {
                LocalSecrets.fillIn(settings, settings.dataDir());
            }
            out.println(RelaySecurity.tokens(settings).mint(subject, roles, ttl));
            return 0;
        } catch (Exception e) {
            err.println("token: " + e.getMessage());
            err.println("usage: java -jar alert-relay.jar token --role SUPER_ADMIN [--role REPORTER] [--subject NAME] [--ttl PT24H]");
            return 2;
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
