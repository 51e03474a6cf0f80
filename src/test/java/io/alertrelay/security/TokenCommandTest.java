package io.alertrelay.security;

import io.alertrelay.config.RelaySettings;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code alert-relay.jar token ...} prints a token the relay with the same settings accepts. */
class TokenCommandTest {

    private static final String SECRET = "token-command-test-secret-of-at-least-32-bytes";

    private record Run(int exit, String out, String err) {
    }

    private static Run run(RelaySettings settings, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = TokenCommand.run(args, settings, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8).trim(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printsATokenWithTheRolesSubjectAndLifetimeAsked() throws Exception {
        RelaySettings settings = RelaySettings.load(Map.of(), new Properties(), Map.of("relay.auth.jwt-secret", SECRET,
                "relay.db.url", "jdbc:postgresql://nowhere/relay"));
        Run r = run(settings, "--role", "SUPER_ADMIN", "--roles", "reporter,PARTNER", "--subject", "ops-jane", "--ttl", "PT2H");
        assertThat(r.exit()).as(r.err()).isZero();
        Principal p = new BearerTokens(Optional.of(SECRET), Optional.empty()).verify(r.out());
        assertThat(p.subject()).isEqualTo("ops-jane");
        assertThat(p.roles()).containsExactlyInAnyOrder("SUPER_ADMIN", "REPORTER", "PARTNER");
        assertThatThrownBy(() -> new BearerTokens(Optional.of(SECRET + "x"), Optional.empty()).verify(r.out()))
                .isInstanceOf(TokenRejected.class);
    }

    @Test
    void embeddedModeUsesTheDataDirectorysGeneratedSecret() throws Exception {
        String dataDir = TestRelay.tempDir().toString();
        RelaySettings settings = RelaySettings.load(Map.of(), new Properties(), Map.of("relay.data-dir", dataDir));
        Run r = run(settings, "--role", "SUPER_ADMIN");
        assertThat(r.exit()).as(r.err()).isZero();
        // a relay starting later on that data dir reads the same secret
        RelaySettings later = RelaySettings.load(Map.of(), new Properties(), Map.of("relay.data-dir", dataDir));
        io.alertrelay.config.LocalSecrets.fillIn(later, later.dataDir());
        assertThat(RelaySecurity.tokens(later).verify(r.out()).roles()).containsExactly("SUPER_ADMIN");
    }

    @Test
    void missingRoleOrBadOptionsExitWithUsage() throws Exception {
        RelaySettings settings = RelaySettings.load(Map.of(), new Properties(), Map.of("relay.auth.jwt-secret", SECRET,
                "relay.db.url", "jdbc:postgresql://nowhere/relay"));
        assertThat(run(settings).exit()).isEqualTo(2);
        assertThat(run(settings, "--role").exit()).isEqualTo(2);
        assertThat(run(settings, "--role", "SUPER_ADMIN", "--ttl", "soon").exit()).isEqualTo(2);
        Run unknown = run(settings, "--role", "SUPER_ADMIN", "--colour", "red");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("usage:");
        assertThat(unknown.out()).isEmpty();
    }

    @Test
    void aShortSecretIsRefused() {
        assertThatThrownBy(() -> new BearerTokens(Optional.of("too-short"), Optional.empty()))
                .hasMessageContaining("at least 32 bytes");
    }
}
