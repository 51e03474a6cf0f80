package io.alertrelay.events;

import io.alertrelay.intake.CodeDetails;
import io.alertrelay.intake.FlagIntake;
import io.alertrelay.intake.FlagRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.util.Map;
import java.util.Optional;

/**
 * The optional admin email about each new flag (off unless {@code relay.mail.smtp-url} and
 * {@code relay.mail.to} are set). The flag route only queues it (seda); a slow or dead SMTP server
 * delays or drops the email, never the flag, which is already committed.
 */
public final class AdminEmail {

    public static final String MAIL_ENDPOINT = "mailEndpoint";

    private final Optional<String> smtpUrl;
    private final Optional<String> to;
    private final String from;
    private final String subjectPrefix;

    /**
     * Credentials come separately ({@code relay.mail.username}/{@code relay.mail.password}): Camel
     * masks properties named like passwords in its start-up log, but not a password inside a URL.
     */
    public AdminEmail(Optional<String> smtpUrl, Optional<String> username, Optional<String> password,
                      Optional<String> to, String from, String subjectPrefix) {
        this.smtpUrl = smtpUrl.map(url -> withCredentials(url, username, password));
        this.to = to;
        this.from = from;
        this.subjectPrefix = subjectPrefix;
    }

    private static String withCredentials(String url, Optional<String> username, Optional<String> password) {
        StringBuilder out = new StringBuilder(url);
        char sep = url.contains("?") ? '&' : '?';
        if (username.isPresent()) {
            out.append(sep).append("username=").append(java.net.URLEncoder.encode(username.get(),
                    java.nio.charset.StandardCharsets.UTF_8));
            sep = '&';
        }
        if (password.isPresent()) {
            out.append(sep).append("password=RAW(").append(password.get()).append(')');
        }
        return out.toString();
    }

    public boolean enabled() {
        return smtpUrl.isPresent() && to.isPresent();
    }

    /**
     * Marks a newly recorded flag (not an idempotent repeat) for an email when email is configured
     * (property {@code adminEmailWanted}; a bean called as a predicate would copy the whole exchange).
     */
    public void offer(Exchange exchange) {
        exchange.setProperty("adminEmailWanted", enabled() && exchange.getProperty(FlagIntake.RECORDED) != null);
    }

    /** Turns the (copied) flag exchange into the email: only mail headers survive, nothing of the request. */
    public void compose(Exchange exchange) {
        Message m = exchange.getMessage();
        Object answer = m.getBody();
        FlagRequest request = exchange.getProperty(FlagIntake.REQUEST, FlagRequest.class);
        CodeDetails code = exchange.getProperty(FlagIntake.CODE, CodeDetails.class);
        Map<?, ?> flag = answer instanceof Map<?, ?> map ? map : Map.of();
        String codeText = code != null ? code.code() : String.valueOf(flag.get("code"));
        String severity = request != null ? request.severity().wire() : "?";
        String reason = request != null ? request.reason().wire() : "?";
        StringBuilder text = new StringBuilder();
        text.append("A product code was flagged.\n\n");
        text.append("Code:         ").append(codeText).append('\n');
        text.append("Flag id:      ").append(flag.get("flagId")).append('\n');
        text.append("Severity:     ").append(severity).append('\n');
        text.append("Reason:       ").append(reason).append('\n');
        if (code != null) {
            text.append("Category:     ").append(code.category()).append('\n');
            text.append("Product:      ").append(code.productName()).append(" (batch ").append(code.batchNumber()).append(")\n");
            text.append("Manufacturer: ").append(code.manufacturerName()).append('\n');
        }
        if (request != null) {
            request.note().ifPresent(n -> text.append("Note:         ").append(n).append('\n'));
            request.reportedBy().ifPresent(r -> text.append("Reported by:  ").append(r).append('\n'));
        }
        text.append("Agencies:     ").append(flag.get("agencies")).append('\n');
        text.append("Correlation:  ").append(exchange.getProperty(FlagIntake.CORRELATION_ID)).append('\n');
        text.append("\nDetails: GET /api/flags/").append(flag.get("flagId")).append('\n');
        m.removeHeaders("*");
        m.setHeader("To", to.orElseThrow());
        m.setHeader("From", from);
        m.setHeader("Subject", subjectPrefix + " " + codeText + " flagged (" + severity + ", " + reason + ")");
        m.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=UTF-8");
        m.setBody(text.toString());
        exchange.setProperty(MAIL_ENDPOINT, smtpUrl.orElseThrow());
    }
}
