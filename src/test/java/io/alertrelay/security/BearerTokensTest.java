package io.alertrelay.security;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Verified tokens are remembered until they expire: that must never let a different or changed token through. */
class BearerTokensTest {

    private final BearerTokens tokens = new BearerTokens(Optional.of("a-secret-of-at-least-thirty-two-bytes!!"), Optional.empty());

    @Test
    void aRememberedTokenAnswersItsOwnRolesAndATamperedCopyIsStillRejected() throws Exception {
        String reporter = tokens.mint("same-subject", List.of("REPORTER"), Duration.ofMinutes(5));
        String admin = tokens.mint("same-subject", List.of("SUPER_ADMIN"), Duration.ofMinutes(5));
        assertThat(tokens.verify(reporter).roles()).isEqualTo(Set.of("REPORTER"));
        assertThat(tokens.verify(reporter).roles()).isEqualTo(Set.of("REPORTER"));
        assertThat(tokens.verify(admin).roles()).isEqualTo(Set.of("SUPER_ADMIN"));
        // the remembered token's payload with other roles and its signature: the signature no longer matches
        String[] parts = reporter.split("\\.");
        String[] forged = admin.split("\\.");
        assertThatThrownBy(() -> tokens.verify(parts[0] + "." + forged[1] + "." + parts[2]))
                .isInstanceOf(TokenRejected.class).hasMessageContaining("signature");
    }

    @Test
    void aTokenPastItsExpiryAndTheClockSkewIsRejectedEvenIfItWasVerifiedBefore() throws Exception {
        // expired 61 s ago: beyond the verifier's 60 s clock skew allowance
        String expired = tokens.mint("late", List.of("REPORTER"), Instant.now().minusSeconds(161), Duration.ofSeconds(100));
        assertThatThrownBy(() -> tokens.verify(expired)).isInstanceOf(TokenRejected.class).hasMessageContaining("expired");
        // still within the skew: accepted, but never remembered past its exp
        String lapsing = tokens.mint("lapsing", List.of("REPORTER"), Instant.now().minusSeconds(100), Duration.ofSeconds(99));
        assertThat(tokens.verify(lapsing).subject()).isEqualTo("lapsing");
        assertThat(tokens.verify(lapsing).subject()).isEqualTo("lapsing");
    }
}
