package io.alertrelay.events;

import io.alertrelay.http.JsonBodies;
import io.alertrelay.security.TargetGuard;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.config.RelaySettings;
import io.alertrelay.signing.SecretCipher;
import org.apache.camel.main.Main;

import io.alertrelay.transport.EndpointTransport;

import javax.sql.DataSource;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.time.Duration;

/**
 * Wiring of the generic event relay, subscriptions, unflag and admin email: the beans
 * routes/events.camel.yaml and admin-email.camel.yaml call. Partners, which turn their messages into
 * flags and events, are wired after it by {@code partners.PartnerBeans} (partners use events, never
 * the reverse).
 */
public final class EventsBeans {

    /** Registry name of the request body reader the event and partner beans share. */
    public static final String JSON_BODIES = JsonBodies.BEAN;

    private EventsBeans() {
    }

    public static void bind(Main main, RelaySettings settings, DataSource dataSource, SecretCipher cipher, ObjectMapper json,
                            Map<String, EndpointTransport> transports) {
        JsonBodies bodies = main.lookup(JsonBodies.BEAN, JsonBodies.class);
        // the component check runs against the live CamelContext, once it exists
        TargetGuard guard = new TargetGuard(settings.getBoolean("relay.delivery.allow-private-targets", false),
                TargetGuard.schemes(settings.get("relay.subscriptions.allowed-schemes", "http,https,file")),
                scheme -> main.getCamelContext() != null && main.getCamelContext().getComponent(scheme, true) != null,
                java.net.InetAddress::getAllByName)
                .withEndpointRules(transports.values().stream().collect(java.util.stream.Collectors.toMap(
                        EndpointTransport::scheme, t -> (Function<String, Optional<String>>) t::refusal)));
        Subscriptions subscriptions = new Subscriptions(dataSource,
                Duration.parse(settings.get("relay.subscriptions.cache-ttl", "PT5S")));
        EventRelay events = new EventRelay(dataSource, subscriptions, bodies);
        main.bind("targetGuard", guard);
        main.bind("subscriptions", subscriptions);
        main.bind("subscriptionAdmin", new SubscriptionAdmin(subscriptions, guard, cipher, bodies));
        main.bind("subscriptionTargets", new SubscriptionTargets(guard, json, transports));
        main.bind("eventRelay", events);
        main.bind("codeUnflag", new CodeUnflag(dataSource, bodies));
        main.bind("adminEmail", new AdminEmail(settings.find("relay.mail.smtp-url"),
                settings.find("relay.mail.username"), settings.find("relay.mail.password"), settings.find("relay.mail.to"),
                settings.get("relay.mail.from", "alert-relay@localhost"),
                settings.get("relay.mail.subject-prefix", "[Alert Relay]")));
    }

}
