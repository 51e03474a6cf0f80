package io.alertrelay.admin;

import io.alertrelay.http.ApiProblem;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * SSRF guard for webhook URLs: http or https only, and unless private targets are allowed
 * ({@code relay.delivery.allow-private-targets}), no host that is or resolves to a loopback, private,
 * link-local, unique-local, carrier-grade NAT, unspecified or multicast address, nor a
 * {@code localhost} name.
 */
public final class WebhookTargets {

    private final boolean allowPrivate;

    public WebhookTargets(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** The URL, normalised, or a 400 saying why it is refused. */
    public String check(String url) {
        if (url == null || url.isBlank()) {
            throw ApiProblem.badRequest("invalid webhook URL", "webhookUrl: required");
        }
        if (url.length() > 2048) {
            throw ApiProblem.badRequest("invalid webhook URL", "webhookUrl: at most 2048 characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (java.net.URISyntaxException e) {
            throw ApiProblem.badRequest("invalid webhook URL", "webhookUrl: not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ApiProblem.badRequest("invalid webhook URL", "webhookUrl: only http and https URLs are allowed");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            throw ApiProblem.badRequest("invalid webhook URL", "webhookUrl: a host is required");
        }
        if (uri.getUserInfo() != null) {
            throw ApiProblem.badRequest("invalid webhook URL", "webhookUrl: credentials in the URL are not allowed; use customHeaders");
        }
        if (allowPrivate) {
            return uri.toString();
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        String lower = bare.toLowerCase(Locale.ROOT);
        if (lower.equals("localhost") || lower.endsWith(".localhost") || lower.equals("localhost.localdomain")) {
            throw refused(host, "a localhost name");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw ApiProblem.badRequest("invalid webhook URL", "webhookUrl: host '" + host + "' does not resolve");
        }
        for (InetAddress a : addresses) {
            String why = privateReason(a);
            if (why != null) {
                throw refused(host, why + " (" + a.getHostAddress() + ")");
            }
        }
        return uri.toString();
    }

    private static ApiProblem refused(String host, String why) {
        return ApiProblem.badRequest("webhook URL refused",
                "webhookUrl: host '" + host + "' is " + why + "; private targets are not allowed "
                        + "(relay.delivery.allow-private-targets / RELAY_ALLOW_PRIVATE_TARGETS)");
    }

    static String privateReason(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (a.isAnyLocalAddress()) {
            return "an unspecified address";
        }
        if (a.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (a.isSiteLocalAddress()) {
            return "a private address";
        }
        if (a.isMulticastAddress()) {
            return "a multicast address";
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return "an unspecified address";
            }
            if (first == 100 && second >= 64 && second < 128) {
                return "a carrier-grade NAT address";
            }
            if (first == 198 && (second == 18 || second == 19)) {
                return "a benchmarking address";
            }
        }
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return "a unique-local address";
            }
            // IPv4-mapped (::ffff:a.b.c.d): judge the IPv4 address inside
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return privateReason(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException impossible) {
                    return "an unreadable address";
                }
            }
        }
        return null;
    }
}
