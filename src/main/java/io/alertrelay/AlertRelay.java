package io.alertrelay;

import io.alertrelay.config.RelaySettings;
import io.alertrelay.security.TokenCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Entry point: {@code java -jar alert-relay.jar} runs the service until it is stopped;
 * {@code java -jar alert-relay.jar token --role SUPER_ADMIN} prints a bearer token.
 */
public final class AlertRelay {

    private static final Logger LOG = LoggerFactory.getLogger(AlertRelay.class);

    private AlertRelay() {
    }

    public static void main(String[] args) throws Exception {
        RelaySettings settings = RelaySettings.load(System.getenv(), System.getProperties(), Map.of());
        if (args.length > 0 && "token".equals(args[0])) {
            System.exit(TokenCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), settings, System.out, System.err));
            return;
        }
        RelayApplication app;
        try {
            app = RelayApplication.start(settings);
        } catch (Exception e) {
            LOG.error("Alert Relay could not start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "alert-relay-stop"));
        app.awaitShutdown();
    }
}
