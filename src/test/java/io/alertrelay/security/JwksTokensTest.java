package io.alertrelay.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With relay.auth.jwks-url set, tokens signed by the identity provider's published keys are accepted. */
class JwksTokensTest {

    static HttpServer jwks;
    static RSAKey providerKey;
    static String jwksUrl;

    @BeforeAll
    static void publishKeys() throws Exception {
        providerKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        byte[] body = new JWKSet(providerKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        jwks.createContext("/jwks.json", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        jwks.start();
        jwksUrl = "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json";
    }

    @AfterAll
    static void stop() {
        jwks.stop(0);
    }

    static String providerToken(RSAKey key, String subject, List<String> roles) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).claim("roles", roles)
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(10)))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void providerTokensVerifyAndForeignKeysDoNot() throws Exception {
        String secret = "hs256-secret-for-the-jwks-test-at-least-32-bytes";
        BearerTokens tokens = new BearerTokens(Optional.of(secret), Optional.of(jwksUrl));
        String token = providerToken(providerKey, "idp-user", List.of("SUPER_ADMIN"));
        BearerTokens.Presented presented = tokens.present(token);
        assertThat(presented.mayBlock()).isTrue();
        assertThat(tokens.verify(presented)).isEqualTo(new Principal("idp-user", java.util.Set.of("SUPER_ADMIN")));
        // verified once, the token is answered from memory: nothing left that could block
        assertThat(tokens.present(token).mayBlock()).isFalse();
        assertThat(tokens.verify(token)).isEqualTo(new Principal("idp-user", java.util.Set.of("SUPER_ADMIN")));
        // the HS256 secret still works beside it
        assertThat(tokens.verify(tokens.mint("local", List.of("REPORTER"), Duration.ofMinutes(1))).roles())
                .containsExactly("REPORTER");
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        assertThatThrownBy(() -> tokens.verify(providerToken(stranger, "mallory", List.of("SUPER_ADMIN"))))
                .isInstanceOf(TokenRejected.class);
        // without a JWKS URL an RS256 token is refused
        assertThatThrownBy(() -> new BearerTokens(Optional.of(secret), Optional.empty()).verify(token))
                .isInstanceOf(TokenRejected.class);
    }

    @Test
    void theRelayAcceptsProviderTokensOverHttp() throws Exception {
        try (TestRelay relay = TestRelay.start(Map.of("relay.auth.jwks-url", jwksUrl))) {
            String admin = providerToken(providerKey, "idp-admin", List.of("SUPER_ADMIN"));
            String reporter = providerToken(providerKey, "idp-reporter", List.of("REPORTER"));
            assertThat(relay.request("GET", "/api/admin/audit", admin, null, null).statusCode()).isEqualTo(200);
            assertThat(relay.request("GET", "/api/admin/audit", reporter, null, null).statusCode()).isEqualTo(403);
            RSAKey stranger = new RSAKeyGenerator(2048).keyID("idp-1").generate();
            assertThat(relay.request("GET", "/api/admin/audit", providerToken(stranger, "x", List.of("SUPER_ADMIN")),
                    null, null).statusCode()).isEqualTo(401);
            // a body behind an asynchronously verified token still arrives whole
            var flag = relay.request("POST", "/api/codes/DEMO-FOOD-0042/flag", reporter, "application/json",
                    "{\"reason\":\"expired\",\"severity\":\"low\"}");
            assertThat(flag.statusCode()).as(flag.body()).isEqualTo(202);
        }
    }
}
