package io.alertrelay.dashboard;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Short-lived tickets that open the dashboard's live stream. A browser's EventSource cannot send an
 * Authorization header, so the page trades its admin token for a ticket at an authenticated admin
 * endpoint and puts the ticket, not the token, in the stream URL. Tickets are signed expiry times, so
 * any instance sharing the key accepts a ticket another issued.
 */
public final class StreamTickets {

    private static final String CONTEXT = "alert-relay dashboard stream ticket v1";

    private final byte[] key;
    private final Duration lifetime;
    private final Clock clock;

    public StreamTickets(byte[] key, Duration lifetime, Clock clock) {
        this.key = key.clone();
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** Tickets keyed from the shared JWT secret (every instance agrees), else from a random per-process key. */
    public static StreamTickets keyedBy(java.util.Optional<String> sharedSecret, Duration lifetime) {
        byte[] material;
        if (sharedSecret.isPresent() && !sharedSecret.get().isBlank()) {
            material = hmac(sharedSecret.get().getBytes(StandardCharsets.UTF_8), CONTEXT);
        } else {
            material = new byte[32];
            new SecureRandom().nextBytes(material);
        }
        return new StreamTickets(material, lifetime, Clock.systemUTC());
    }

    /** The body of {@code POST /api/admin/stream-tickets}: {@code {ticket, expiresAt}}. */
    public Map<String, Object> issue() {
        long expires = clock.instant().plus(lifetime).getEpochSecond();
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("ticket", expires + "." + sign(expires));
        reply.put("expiresAt", Instant.ofEpochSecond(expires).toString());
        return reply;
    }

    public boolean valid(String ticket) {
        if (ticket == null) {
            return false;
        }
        int dot = ticket.indexOf('.');
        if (dot <= 0 || dot > 19) {
            return false;
        }
        long expires;
        try {
            expires = Long.parseLong(ticket.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        if (clock.instant().getEpochSecond() > expires) {
            return false;
        }
        byte[] given = ticket.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(given, sign(expires).getBytes(StandardCharsets.US_ASCII));
    }

    private String sign(long expires) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, "stream:" + expires));
    }

    private static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
