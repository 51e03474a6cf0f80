package io.alertrelay.security;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The HTTP client's resolver for agency and subscription webhooks when private targets are refused
 * ({@code relay.delivery.allow-private-targets=false}): the address the client is about to connect to is
 * checked, not only the name when it was registered. A name that resolves (now) to a loopback,
 * private, link-local or metadata address (DNS rebinding) is refused before any connection; the
 * attempt fails like a network error and its log says why.
 */
public final class PublicAddressResolver implements DnsResolver {

    private final DnsResolver system;

    public PublicAddressResolver() {
        this(SystemDefaultDnsResolver.INSTANCE);
    }

    PublicAddressResolver(DnsResolver system) {
        this.system = system;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = system.resolve(host);
        for (InetAddress a : addresses) {
            if (TargetGuard.isInternal(a)) {
                throw new UnknownHostException("refused: " + host + " resolves to the internal address "
                        + a.getHostAddress() + " (relay.delivery.allow-private-targets is false)");
            }
        }
        return Arrays.copyOf(addresses, addresses.length);
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return system.resolveCanonicalHostname(host);
    }
}
