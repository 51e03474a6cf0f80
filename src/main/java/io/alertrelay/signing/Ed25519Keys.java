package io.alertrelay.signing;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Ed25519 keys in Standard Webhooks form: the secret {@code whsk_<base64 of seed ‖ public key>}
 * (64 bytes, as libsodium keeps them) and the public key {@code whpk_<base64 of 32 bytes>}; converted
 * to and from the JDK's PKCS#8 / X.509 encodings for signing and verifying.
 */
public final class Ed25519Keys {

    public static final String SECRET_PREFIX = "whsk_";
    public static final String PUBLIC_PREFIX = "whpk_";
    private static final byte[] PKCS8_PREFIX = hex("302e020100300506032b657004220420");
    private static final byte[] X509_PREFIX = hex("302a300506032b6570032100");

    private Ed25519Keys() {
    }

    /** A new signing secret ({@code whsk_...}). */
    public static String generateSecret() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
            byte[] pub = raw(pair.getPublic());
            byte[] both = new byte[64];
            System.arraycopy(seed, 0, both, 0, 32);
            System.arraycopy(pub, 0, both, 32, 32);
            return SECRET_PREFIX + Base64.getEncoder().encodeToString(both);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 unavailable", e);
        }
    }

    public static boolean isEd25519Secret(String secret) {
        return secret.startsWith(SECRET_PREFIX);
    }

    public static PrivateKey privateKey(String secret) {
        byte[] both = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        byte[] der = concat(PKCS8_PREFIX, Arrays.copyOf(both, 32));
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not an Ed25519 secret", e);
        }
    }

    /** The raw 32-byte public key of a {@code whsk_} secret. */
    public static byte[] publicKeyBytes(String secret) {
        byte[] both = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        return Arrays.copyOfRange(both, 32, 64);
    }

    /** {@code whpk_...} for a {@code whsk_} secret. */
    public static String publicKey(String secret) {
        return PUBLIC_PREFIX + Base64.getEncoder().encodeToString(publicKeyBytes(secret));
    }

    /** The public key as X.509 SubjectPublicKeyInfo DER (what {@code X509EncodedKeySpec} reads). */
    public static byte[] x509(String secret) {
        return concat(X509_PREFIX, publicKeyBytes(secret));
    }

    public static PublicKey jdkPublicKey(byte[] x509) throws GeneralSecurityException {
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
    }

    /** True when one {@code v1a,} entry of a webhook-signature header is this key's signature of the message. */
    public static boolean verifies(String secret, String messageId, String timestamp, String body, String signatureHeader) {
        if (signatureHeader == null || messageId == null || timestamp == null) {
            return false;
        }
        byte[] content = (messageId + "." + timestamp + "." + (body == null ? "" : body))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (String entry : signatureHeader.trim().split(" +")) {
            if (!entry.startsWith("v1a,")) {
                continue;
            }
            try {
                java.security.Signature v = java.security.Signature.getInstance("Ed25519");
                v.initVerify(jdkPublicKey(x509(secret)));
                v.update(content);
                if (v.verify(Base64.getDecoder().decode(entry.substring(4)))) {
                    return true;
                }
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not a valid signature: try the next entry
            }
        }
        return false;
    }

    private static byte[] raw(PublicKey key) {
        byte[] enc = key.getEncoded();
        return Arrays.copyOfRange(enc, enc.length - 32, enc.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
