package io.alertrelay.security;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The SSRF guard: internal addresses refused unless allowed; non-http schemes only from the allow-list. */
class TargetGuardTest {

    /** Resolves a few fixed names, as DNS would, without touching the network. */
    private static final Map<String, String> DNS = Map.of(
            "hooks.example.org", "93.184.216.34",
            "internal.example.org", "10.1.2.3",
            "metadata.example.org", "169.254.169.254");

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        String ip = DNS.getOrDefault(host, host);
        if (!ip.matches("[0-9.]+") && !ip.contains(":")) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(ip)};
    }

    private static TargetGuard guard(boolean allowPrivate) {
        return new TargetGuard(allowPrivate, TargetGuard.schemes("http, https, file"), Set.of("file")::contains,
                TargetGuardTest::resolve);
    }

    @Test
    void publicHttpsTargetsPassAndInternalOnesAreRefused() {
        TargetGuard guard = guard(false);
        assertThat(guard.refusal("https://hooks.example.org/relay")).isEmpty();
        for (String internal : new String[] {"http://127.0.0.1:8080/x", "http://localhost/x", "http://10.0.0.5/",
                "http://192.168.1.10/", "http://172.16.3.4/", "http://169.254.169.254/latest/meta-data",
                "http://[::1]/", "http://[fd00::1]/", "http://100.64.0.1/", "http://0.0.0.0/",
                "https://internal.example.org/", "https://metadata.example.org/"}) {
            assertThat(guard.refusal(internal)).as(internal).isPresent();
        }
        assertThat(guard.refusal("https://no-such-host.invalid/")).get().asString().contains("does not resolve");
        assertThat(guard.refusal("https://user:pw@hooks.example.org/")).isPresent();
    }

    @Test
    void privateTargetsPassWhenAllowed() {
        assertThat(guard(true).refusal("http://127.0.0.1:8080/x")).isEmpty();
        assertThat(guard(true).refusal("http://10.0.0.5/")).isEmpty();
    }

    @Test
    void endpointSchemesNeedTheAllowListAndTheirComponent() {
        TargetGuard guard = new TargetGuard(false, TargetGuard.schemes("http,https,file,kafka"), Set.of("file")::contains,
                TargetGuardTest::resolve);
        assertThat(guard.refusal("file:/var/relay/out")).isEmpty();
        assertThat(guard.refusal("kafka:orders")).get().asString().contains("no Camel component");
        assertThat(guard.refusal("exec:/bin/sh")).get().asString().contains("not allowed");
        assertThat(guard.refusal("file:/tmp/${header.x}")).isPresent();
        assertThat(guard.refusal("file:{{relay.secrets.master-key}}")).isPresent();
        assertThat(guard.refusal("")).isPresent();
        assertThat(TargetGuard.isHttp("HTTPS://hooks.example.org")).isTrue();
        assertThat(TargetGuard.isHttp("file:/x")).isFalse();
    }
}
