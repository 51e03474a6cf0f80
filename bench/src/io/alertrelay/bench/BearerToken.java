package io.alertrelay.bench;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** The bearer tokens of the bench's requests, as the relay's auth expects them. */
final class BearerToken {

    private BearerToken() {
    }

    /** What every flag carries: roles ["REPORTER"]. */
    static String reporter(String secret) throws Exception {
        return hs256(secret, "REPORTER");
    }

    /** For the admin API (registering the Kafka partner and target): roles ["SUPER_ADMIN"]. */
    static String admin(String secret) throws Exception {
        return hs256(secret, "SUPER_ADMIN");
    }

    /** HS256 over the UTF-8 bytes of {@code secret}: sub "bench", the role, one hour; "" without a secret. */
    private static String hs256(String secret, String role) throws Exception {
        if (secret.isEmpty()) {
            return "";
        }
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"sub\":\"bench\",\"roles\":[\"" + role + "\"],\"iat\":" + now + ",\"exp\":"
                + (now + 3600) + "}").getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = b64.encodeToString(mac.doFinal((header + "." + claims).getBytes(StandardCharsets.UTF_8)));
        return header + "." + claims + "." + signature;
    }
}
