package io.alertrelay.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Mints and verifies the relay's bearer tokens: HS256 with {@code relay.auth.jwt-secret} (its UTF-8
 * bytes, at least 32), or, when {@code relay.auth.jwks-url} is set, asymmetric tokens whose keys that
 * JWKS publishes. Tokens must carry {@code sub} and {@code exp}; roles come from the {@code roles} claim.
 */
public final class BearerTokens {

    public static final String ISSUER = "alert-relay";
    public static final String ROLES_CLAIM = "roles";
    private static final Set<JWSAlgorithm> JWKS_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.EdDSA,
            JWSAlgorithm.Ed25519);

    private final Optional<byte[]> secret;
    private final boolean jwks;
    /** Verified tokens kept until they expire: clients send the same token with every request. */
    private static final int MAX_VERIFIED = 10_000;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final java.util.concurrent.ConcurrentHashMap<String, Verified> verified = new java.util.concurrent.ConcurrentHashMap<>();

    private record Verified(Principal principal, long expiresAtMillis) {
    }

    public BearerTokens(Optional<String> secret, Optional<String> jwksUrl) {
        this.secret = secret.map(s -> s.getBytes(StandardCharsets.UTF_8));
        if (this.secret.isPresent() && this.secret.get().length < 32) {
            throw new IllegalArgumentException("RELAY_JWT_SECRET must be at least 32 bytes (got "
                    + this.secret.get().length + ")");
        }
        if (this.secret.isEmpty() && jwksUrl.isEmpty()) {
            throw new IllegalStateException("RELAY_JWT_SECRET (relay.auth.jwt-secret) or relay.auth.jwks-url is required "
                    + "with an external database (at least 32 bytes, e.g. `openssl rand -base64 48`)");
        }
        JWSKeySelector<SecurityContext> hmac = this.secret
                .<JWSKeySelector<SecurityContext>>map(s -> new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
                        new ImmutableSecret<>(s)))
                .orElse((header, ctx) -> List.of());
        JWSKeySelector<SecurityContext> remote = jwksUrl.<JWSKeySelector<SecurityContext>>map(url -> {
            JWKSource<SecurityContext> source = JWKSourceBuilder.create(toUrl(url)).retrying(true).build();
            return new JWSVerificationKeySelector<>(JWKS_ALGORITHMS, source);
        }).orElse((header, ctx) -> List.of());
        this.jwks = jwksUrl.isPresent();
        processor.setJWSKeySelector((header, ctx) -> JWSAlgorithm.HS256.equals(header.getAlgorithm())
                ? hmac.selectJWSKeys(header, ctx) : remote.selectJWSKeys(header, ctx));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(null, null, Set.of("sub", "exp")));
    }

    private static java.net.URL toUrl(String url) {
        try {
            return URI.create(url).toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("relay.auth.jwks-url is not a URL: " + url, e);
        }
    }

    /** A signed HS256 token for the subject with these roles, valid for {@code ttl} from now. */
    public String mint(String subject, Collection<String> roles, Duration ttl) {
        return mint(subject, roles, Instant.now(), ttl);
    }

    /** As {@link #mint(String, Collection, Duration)}, issued at a chosen time (tests mint expired tokens). */
    public String mint(String subject, Collection<String> roles, Instant issuedAt, Duration ttl) {
        byte[] key = secret.orElseThrow(() -> new IllegalStateException(
                "tokens can only be minted with relay.auth.jwt-secret (RELAY_JWT_SECRET)"));
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(subject)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(ttl)))
                .claim(ROLES_CLAIM, List.copyOf(roles))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
        return jwt.serialize();
    }

    /**
     * A token as a request presents it, looked up among the verified ones and otherwise parsed, once:
     * the gate asks it whether verifying may block, then verifies it, without parsing it again.
     */
    public final class Presented {

        private final String token;
        private final Verified known;
        private final JWT parsed;

        private Presented(String token) {
            this.token = token;
            Verified hit = verified.get(token);
            if (hit != null && System.currentTimeMillis() >= hit.expiresAtMillis()) {
                verified.remove(token);
                hit = null;
            }
            this.known = hit;
            JWT jwt = null;
            if (hit == null) {
                try {
                    jwt = JWTParser.parse(token);
                } catch (ParseException e) {
                    // verify() answers it as malformed
                }
            }
            this.parsed = jwt;
        }

        /** True when verifying may fetch keys over the network (JWKS), so not on an event loop. */
        public boolean mayBlock() {
            return jwks && known == null && parsed instanceof SignedJWT signed
                    && !JWSAlgorithm.HS256.equals(signed.getHeader().getAlgorithm());
        }
    }

    /** The token presented by a request: parsed at most once whatever is asked of it. */
    public Presented present(String token) {
        return new Presented(token);
    }

    /**
     * The token's principal. A token verified before is answered from memory until its {@code exp}
     * (a profile of the benchmark put signature checking and claim parsing at about 5 % of the relay's
     * CPU); after that it is verified afresh, which rejects it once the clock skew allowance is over.
     */
    public Principal verify(String token) throws TokenRejected {
        return verify(present(token));
    }

    /** As {@link #verify(String)}, for a token already presented (and parsed). */
    public Principal verify(Presented presented) throws TokenRejected {
        if (presented.known != null) {
            return presented.known.principal();
        }
        if (presented.parsed == null) {
            throw new TokenRejected("malformed bearer token");
        }
        JWTClaimsSet claims = verifyFully(presented.parsed);
        Principal principal = new Principal(claims.getSubject(), roles(claims.getClaim(ROLES_CLAIM)));
        if (verified.size() >= MAX_VERIFIED) {
            verified.clear();
        }
        verified.put(presented.token, new Verified(principal, claims.getExpirationTime().getTime()));
        return principal;
    }

    private JWTClaimsSet verifyFully(JWT token) throws TokenRejected {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (BadJWTException e) {
            throw new TokenRejected(e.getMessage().toLowerCase().contains("expired") ? "token expired"
                    : "token rejected: " + e.getMessage());
        } catch (BadJOSEException e) {
            throw new TokenRejected("invalid token signature");
        } catch (JOSEException e) {
            throw new TokenRejected("token could not be verified");
        }
        return claims;
    }

    /** The roles claim as an array of names, or one string of names separated by spaces or commas. */
    private static Set<String> roles(Object claim) {
        Set<String> out = new LinkedHashSet<>();
        if (claim instanceof Collection<?> list) {
            list.forEach(r -> out.add(String.valueOf(r).trim()));
        } else if (claim instanceof String s) {
            for (String r : s.split("[ ,]+")) {
                if (!r.isBlank()) {
                    out.add(r.trim());
                }
            }
        }
        return out;
    }
}
