package io.alertrelay.security;

import io.alertrelay.support.AgencyReceiver;
import io.alertrelay.support.TestAgencies;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DNS rebinding: with private targets refused, a webhook whose name passed the check when it was
 * registered but now resolves to an internal address is not called. The HTTP client's resolver checks
 * the address it connects to, and the attempt's log says why.
 */
class DnsRebindingTest {

    private static TestRelay relay;
    private static AgencyReceiver receiver;

    @BeforeAll
    static void startRelayRefusingPrivateTargets() {
        relay = TestRelay.start(Map.of("relay.delivery.allow-private-targets", "false"));
        receiver = new AgencyReceiver();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        relay.close();
    }

    @Test
    void aRegisteredNameThatNowResolvesToLoopbackIsNotCalledAndTheAttemptSaysWhy() throws Exception {
        // "localhost" stands for a name that resolved to a public address when it was registered
        String rebound = receiver.url("/hooks/rebound").replace("127.0.0.1", "localhost");
        assertThat(InetAddress.getByName("localhost").isLoopbackAddress()).isTrue();
        TestAgencies.Agency agency = TestAgencies.create(relay, rebound);
        UUID delivery = TestAgencies.enqueue(relay, agency, "high");

        await().atMost(Duration.ofSeconds(20)).until(() -> TestAgencies.count(relay,
                "SELECT count(*) FROM webhook_logs WHERE delivery_id = ? AND outcome = 'network_error'", delivery) >= 1);
        Object error = relay.queryValue("SELECT error FROM webhook_logs WHERE delivery_id = ? ORDER BY id LIMIT 1", delivery);
        assertThat(String.valueOf(error)).contains("localhost resolves to the internal address 127.0.0.1");
        assertThat(receiver.received()).as("nothing reached the internal address").isEmpty();
        assertThat(TestAgencies.status(relay, delivery)).isNotEqualTo("delivered");
    }

    @Test
    void theSameRegistrationIsRefusedUpFront() {
        var r = relay.postJson("/api/admin/management/webhooks/NAFDAC/register",
                "{\"webhookUrl\":\"" + receiver.url("/hooks/direct") + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    }
}
