package io.alertrelay.signing;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;

/**
 * Standard Webhooks signatures: HMAC-SHA256 over {@code id.timestamp.body} with each active secret,
 * as {@code v1,<base64>} values separated by spaces (several during a secret rotation).
 */
public final class StandardWebhookSigner {

    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";

    /** The webhook-signature header value for one message, signed with every given secret. */
    public String signature(String messageId, long timestampSeconds, String body, List<String> secrets) {
        byte[] content = (messageId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8);
        StringJoiner header = new StringJoiner(" ");
        for (String secret : secrets) {
            header.add("v1," + Base64.getEncoder().encodeToString(hmac(WebhookSecrets.keyBytes(secret), content)));
        }
        return header.toString();
    }

    private static byte[] hmac(byte[] key, byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
