package io.alertrelay.admin;

import io.alertrelay.http.ApiProblem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SSRF guard on its own: which webhook URLs pass, with and without private targets allowed. */
class WebhookTargetsTest {

    @Test
    void internalAddressesAndLocalhostNamesAreRefused() {
        WebhookTargets guard = new WebhookTargets(false);
        for (String url : List.of("http://127.0.0.1/x", "http://127.10.0.1/x", "http://10.0.0.1/x", "http://172.31.255.1/x",
                "http://192.168.0.1/x", "http://169.254.169.254/x", "http://0.0.0.0/x", "http://100.100.0.1/x",
                "http://[::1]/x", "http://[fe80::1]/x", "http://[fc00::1]/x", "http://[::ffff:10.0.0.1]/x",
                "http://localhost/x", "http://LOCALHOST:80/x", "http://a.b.localhost/x", "http://224.0.0.1/x")) {
            assertThatThrownBy(() -> guard.check(url)).as(url).isInstanceOf(ApiProblem.class)
                    .satisfies(e -> assertThat(((ApiProblem) e).status()).isEqualTo(400));
        }
    }

    @Test
    void onlyHttpAndHttpsWithAHostAndNoCredentialsPass() {
        WebhookTargets guard = new WebhookTargets(true);
        for (String url : List.of("ftp://example.org/x", "file:///etc/passwd", "gopher://x", "http:///x", "not a url",
                "http://user:pw@example.org/x", "")) {
            assertThatThrownBy(() -> guard.check(url)).as(url).isInstanceOf(ApiProblem.class);
        }
        assertThat(guard.check("http://127.0.0.1:8080/hook")).isEqualTo("http://127.0.0.1:8080/hook");
        assertThat(guard.check("https://localhost/hook")).isEqualTo("https://localhost/hook");
        assertThat(new WebhookTargets(false).check("https://93.184.216.34/hook")).isEqualTo("https://93.184.216.34/hook");
    }
}
