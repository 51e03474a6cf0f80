package io.alertrelay.events;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.alertrelay.support.TestRelay;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With SMTP configured, each new flag sends an admin email (GreenMail in-process); an SMTP outage never blocks a flag. */
class AdminEmailTest {

    private static final int SMTP_PORT = TestRelay.freePort();
    private static GreenMail smtp;
    private static TestRelay relay;

    @BeforeAll
    static void start() {
        smtp = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        relay = TestRelay.start(Map.of(
                "relay.mail.smtp-url", "smtp://127.0.0.1:" + SMTP_PORT,
                "relay.mail.to", "admins@relay.test",
                "relay.mail.from", "relay@relay.test",
                "relay.mail.redelivery.delay-ms", "100"));
    }

    @AfterAll
    static void stop() {
        relay.close();
        smtp.stop();
    }

    private HttpResponse<String> flag(String code) {
        return relay.postJson("/api/codes/" + code + "/flag",
                "{\"reason\":\"counterfeit\",\"severity\":\"critical\",\"note\":\"blister pack misprinted\"}");
    }

    @Test
    void eachNewFlagSendsOneAdminEmail() throws Exception {
        HttpResponse<String> r = flag("DEMO-DRUG-0007");
        assertThat(r.statusCode()).isEqualTo(202);
        String flagId = relay.json(r).get("flagId").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> Arrays.stream(smtp.getReceivedMessages())
                .anyMatch(m -> body(m).contains(flagId)));
        MimeMessage mail = Arrays.stream(smtp.getReceivedMessages()).filter(m -> body(m).contains(flagId)).findFirst().orElseThrow();
        assertThat(mail.getSubject()).contains("DEMO-DRUG-0007").contains("critical").contains("counterfeit");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("admins@relay.test");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("relay@relay.test");
        assertThat(body(mail)).contains("blister pack misprinted").contains("NAFDAC");
        // the request's own headers never travel into the email
        assertThat(mail.getHeader("Content-Type")[0]).startsWith("text/plain");
        assertThat(mail.getHeader("webhook-signature")).isNull();
    }

    @Test
    void smtpOutageNeitherBlocksNorLosesAFlag() {
        smtp.stop();
        try {
            HttpResponse<String> r = flag("DEMO-DRUG-0008");
            assertThat(r.statusCode()).isEqualTo(202);
            String flagId = relay.json(r).get("flagId").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(relay.json(relay.get("/api/flags/" + flagId))
                    .get("deliveries").get(0).get("status").asText()));
            assertThat(relay.queryValue("SELECT is_flagged FROM product_codes WHERE code = 'DEMO-DRUG-0008'")).isEqualTo(true);
        } finally {
            smtp = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            smtp.start();
        }
    }

    private static String body(MimeMessage m) {
        try {
            return String.valueOf(m.getContent());
        } catch (Exception e) {
            return "";
        }
    }
}
