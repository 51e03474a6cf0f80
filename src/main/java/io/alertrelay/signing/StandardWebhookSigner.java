package io.alertrelay.signing;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Standard Webhooks signatures over {@code id.timestamp.body} with each active secret, separated by
 * spaces (several during a secret rotation): HMAC-SHA256 {@code v1,<base64>} for {@code whsec_}
 * secrets, Ed25519 {@code v1a,<base64>} for {@code whsk_} secrets (the asymmetric option).
 */
public final class StandardWebhookSigner {

    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";

    /** Mac.getInstance looks the algorithm up among the providers each time: one Mac per thread, re-keyed per use. */
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    });

    private final Map<String, PrivateKey> privateKeys = new ConcurrentHashMap<>();
    private final Map<String, SecretKeySpec> hmacKeys = new ConcurrentHashMap<>();

    /** The webhook-signature header value for one message, signed with every given secret. */
    public String signature(String messageId, long timestampSeconds, String body, List<String> secrets) {
        byte[] content = (messageId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8);
        StringJoiner header = new StringJoiner(" ");
        for (String secret : secrets) {
            if (Ed25519Keys.isEd25519Secret(secret)) {
                header.add("v1a," + Base64.getEncoder().encodeToString(ed25519(secret, content)));
            } else {
                header.add("v1," + Base64.getEncoder().encodeToString(hmac(secret, content)));
            }
        }
        return header.toString();
    }

    private byte[] ed25519(String secret, byte[] content) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(privateKeys.computeIfAbsent(secret, Ed25519Keys::privateKey));
            signature.update(content);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    private byte[] hmac(String secret, byte[] content) {
        try {
            Mac mac = MAC.get();
            mac.init(hmacKeys.computeIfAbsent(secret, s -> new SecretKeySpec(WebhookSecrets.keyBytes(s), "HmacSHA256")));
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
