package io.alertrelay.security;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Decides whether the relay may send to a target (SSRF guard): http/https URLs must not point at
 * loopback, private, link-local or other internal addresses unless private targets are allowed;
 * other Camel endpoint URIs need a scheme from the allow-list whose component is on the classpath.
 */
public final class TargetGuard {

    private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*):");
    private static final int MAX_TARGET = 2000;

    private final boolean allowPrivate;
    private final Set<String> allowedSchemes;
    private final Predicate<String> componentAvailable;
    private final HostResolver resolver;
    private final Map<String, Function<String, Optional<String>>> endpointRules;

    /** Resolves a host name to its addresses (replaceable in tests). */
    @FunctionalInterface
    public interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    public TargetGuard(boolean allowPrivate, Set<String> allowedSchemes, Predicate<String> componentAvailable,
                       HostResolver resolver) {
        this.allowPrivate = allowPrivate;
        this.allowedSchemes = allowedSchemes.stream().map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).collect(Collectors.toCollection(LinkedHashSet::new));
        this.componentAvailable = componentAvailable;
        this.resolver = resolver;
        this.endpointRules = Map.of();
    }

    private TargetGuard(TargetGuard base, Map<String, Function<String, Optional<String>>> endpointRules) {
        this.allowPrivate = base.allowPrivate;
        this.allowedSchemes = base.allowedSchemes;
        this.componentAvailable = base.componentAvailable;
        this.resolver = base.resolver;
        this.endpointRules = Map.copyOf(endpointRules);
    }

    /**
     * The same guard, plus schemes whose transport judges its own targets (e.g. kafka: takes a topic
     * and nothing else): those schemes are allowed, and their rule decides.
     */
    public TargetGuard withEndpointRules(Map<String, Function<String, Optional<String>>> rules) {
        return new TargetGuard(this, rules);
    }

    /** A guard for http(s) webhook URLs only (agency registration). */
    public static TargetGuard forWebhookUrls(boolean allowPrivate) {
        return new TargetGuard(allowPrivate, Set.of("http", "https"), s -> true, InetAddress::getAllByName);
    }

    /** Comma-separated scheme list, as in {@code relay.subscriptions.allowed-schemes}. */
    public static Set<String> schemes(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    public boolean allowPrivate() {
        return allowPrivate;
    }

    public Set<String> allowedSchemes() {
        Set<String> all = new LinkedHashSet<>(allowedSchemes);
        all.addAll(endpointRules.keySet());
        return Set.copyOf(all);
    }

    /** True when the target is an http(s) URL, false for any other endpoint URI. */
    public static boolean isHttp(String target) {
        String scheme = scheme(target).orElse("");
        return scheme.equals("http") || scheme.equals("https");
    }

    public static Optional<String> scheme(String target) {
        if (target == null) {
            return Optional.empty();
        }
        var m = SCHEME.matcher(target.trim());
        return m.find() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /** Why the relay must not send to {@code target}, or empty when it may. */
    public Optional<String> refusal(String target) {
        if (target == null || target.isBlank()) {
            return Optional.of("target is required");
        }
        String t = target.trim();
        if (t.length() > MAX_TARGET) {
            return Optional.of("target is longer than " + MAX_TARGET + " characters");
        }
        if (t.contains("{{") || t.contains("${") || t.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("target must not contain placeholders, expressions or control characters");
        }
        Optional<String> scheme = scheme(t);
        if (scheme.isEmpty()) {
            return Optional.of("target needs a scheme, e.g. https://... (allowed: " + allowedSchemes + ")");
        }
        Function<String, Optional<String>> rule = endpointRules.get(scheme.get());
        if (rule != null) {
            return rule.apply(t);
        }
        if (!allowedSchemes.contains(scheme.get())) {
            return Optional.of("scheme '" + scheme.get() + "' is not allowed (allowed: " + allowedSchemes + ")");
        }
        if (isHttp(t)) {
            return httpRefusal(t);
        }
        if (!componentAvailable.test(scheme.get())) {
            return Optional.of("no Camel component for scheme '" + scheme.get() + "' is on the classpath");
        }
        return Optional.empty();
    }

    /** Why an http(s) webhook URL is refused (not http/https, no host, internal address), or empty. */
    public Optional<String> httpRefusal(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            return Optional.of("not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("only http and https URLs are allowed");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            return Optional.of("URL has no host");
        }
        if (uri.getUserInfo() != null) {
            return Optional.of("URL must not carry credentials");
        }
        if (allowPrivate) {
            return Optional.empty();
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        String lower = bare.toLowerCase(Locale.ROOT);
        if (lower.equals("localhost") || lower.endsWith(".localhost") || lower.equals("localhost.localdomain")) {
            return Optional.of("host '" + host + "' is a localhost name; loopback, private and link-local targets "
                    + "are refused unless relay.delivery.allow-private-targets=true");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException e) {
            return Optional.of("host '" + host + "' does not resolve");
        }
        for (InetAddress a : addresses) {
            if (isInternal(a)) {
                return Optional.of("host '" + host + "' resolves to an internal address (" + a.getHostAddress()
                        + "); loopback, private and link-local targets are refused unless "
                        + "relay.delivery.allow-private-targets=true");
            }
        }
        return Optional.empty();
    }

    /**
     * Loopback, private (RFC 1918, IPv6 ULA), link-local, carrier-grade NAT, benchmarking, reserved,
     * unspecified or multicast; an IPv4-mapped IPv6 address is judged by the IPv4 address inside.
     */
    public static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || (first == 100 && second >= 64 && second <= 127)
                    || (first == 198 && (second == 18 || second == 19)) || first >= 240;
        }
        if (a instanceof Inet6Address) {
            boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped) {
                try {
                    return isInternal(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException impossible) {
                    return true;
                }
            }
            return (b[0] & 0xfe) == 0xfc;
        }
        return false;
    }
}
