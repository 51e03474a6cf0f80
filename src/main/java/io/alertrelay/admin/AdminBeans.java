package io.alertrelay.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.config.RelaySettings;
import io.alertrelay.http.JsonBodies;
import io.alertrelay.security.RelaySecurity;
import io.alertrelay.signing.SecretCipher;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

import javax.sql.DataSource;
import java.time.Duration;

/**
 * Wiring of the admin API and security: the HTTP guard (tokens, roles, per-client limit), the
 * audit of admin changes, and the beans routes/admin-api.camel.yaml calls.
 */
public final class AdminBeans {

    private AdminBeans() {
    }

    public static void bind(Main main, RelaySettings settings, DataSource dataSource, SecretCipher cipher,
                            boolean embeddedMode, java.util.Map<String, io.alertrelay.transport.EndpointTransport> transports) {
        ObjectMapper json = new ObjectMapper();
        AuditLog audit = new AuditLog(dataSource, json);
        RelaySecurity.install(main, settings, audit, embeddedMode);
        AdminAudit adminAudit = new AdminAudit(audit);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                m.getCamelContext().addRoutePolicyFactory(adminAudit);
            }

            @Override
            public void afterStop(BaseMainSupport m) {
                audit.close();
            }
        });
        boolean allowPrivate = settings.getBoolean("relay.delivery.allow-private-targets", false);
        main.bind("auditLog", audit);
        // the one reader of JSON request bodies, bound before the admin beans (RelayApplication.bindBeans)
        JsonBodies bodies = main.lookup(JsonBodies.BEAN, JsonBodies.class);
        main.bind("adminRateLimits", new RateLimitAdmin(dataSource, bodies));
        AgencyWebhooks agencyWebhooks = new AgencyWebhooks(dataSource, json);
        main.bind("adminWebhooks", new WebhookAdmin(dataSource, cipher, new WebhookTargets(allowPrivate, transports), bodies,
                agencyWebhooks));
        main.bind("adminWebhookSigning", new WebhookSigningAdmin(dataSource, cipher, bodies, agencyWebhooks,
                Duration.parse(settings.get("relay.admin.secret-rotation-grace", "PT24H"))));
        main.bind("adminWebhookTests", new WebhookTestAdmin(dataSource, json, agencyWebhooks,
                Duration.parse(settings.get("relay.admin.webhook-test-timeout", "PT35S"))));
        main.bind("adminDeliveries", new DeliveryAdmin(dataSource));
        main.bind("catalogueImport", new CatalogueImport(dataSource, json));
        main.bind("openApiDocument", new OpenApiDocument());
    }
}
