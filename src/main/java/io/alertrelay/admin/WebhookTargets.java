package io.alertrelay.admin;

import io.alertrelay.http.ApiProblem;
import io.alertrelay.security.TargetGuard;

import io.alertrelay.transport.EndpointTransport;

import java.net.URI;
import java.util.Map;

/**
 * The SSRF guard ({@link TargetGuard}) as agency registration answers it: a malformed URL is
 * "invalid webhook URL", an internal target "webhook URL refused", both 400 naming {@code webhookUrl}.
 */
public final class WebhookTargets {

    private static final int MAX_URL = 2048;
    private static final TargetGuard SHAPE = TargetGuard.forWebhookUrls(true);

    private final TargetGuard guard;
    private final Map<String, EndpointTransport> transports;

    public WebhookTargets(boolean allowPrivate) {
        this(allowPrivate, Map.of());
    }

    /** {@code transports}: the broker transports configured here, whose targets (kafka:<topic>) an agency may use. */
    public WebhookTargets(boolean allowPrivate, Map<String, EndpointTransport> transports) {
        this.guard = TargetGuard.forWebhookUrls(allowPrivate);
        this.transports = Map.copyOf(transports);
    }

    /** The URL, normalised, or a 400 saying why it is refused. */
    public String check(String url) {
        if (url == null || url.isBlank()) {
            throw ApiProblem.badRequest("invalid webhook URL", "webhookUrl: required");
        }
        if (url.length() > MAX_URL) {
            throw ApiProblem.badRequest("invalid webhook URL", "webhookUrl: at most " + MAX_URL + " characters");
        }
        EndpointTransport transport = TargetGuard.scheme(url).map(transports::get).orElse(null);
        if (transport != null) {
            transport.refusal(url).ifPresent(why -> {
                throw ApiProblem.badRequest("invalid webhook URL", "webhookUrl: " + why);
            });
            return url.trim();
        }
        SHAPE.httpRefusal(url).ifPresent(why -> {
            throw ApiProblem.badRequest("invalid webhook URL", "webhookUrl: " + why);
        });
        guard.httpRefusal(url).ifPresent(why -> {
            throw ApiProblem.badRequest("webhook URL refused", "webhookUrl: " + why
                    + " (RELAY_ALLOW_PRIVATE_TARGETS)");
        });
        return URI.create(url.trim()).toString();
    }
}
