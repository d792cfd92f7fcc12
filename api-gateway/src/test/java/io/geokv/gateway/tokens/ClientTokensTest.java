package io.geokv.gateway.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.conflict.ContextTokens;
import io.geokv.conflict.VersionVector;
import io.geokv.gateway.session.SessionPositions;
import io.geokv.position.EventPartition;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientTokensTest {

    private final ClientTokens tokens = new ClientTokens(new TokenSeal(bytes("a shared secret of the deployment")));
    private final VersionVector context = VersionVector.of(Map.of("us-east", 3L, "eu-west", 1L));
    private final SessionPositions session =
            SessionPositions.empty().withWrite(new EventPartition("kv-events.us-east", 2), 41, 1L << 40);

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void tokensRoundTripAndAreUrlSafe() {
        String token = tokens.context(context, "acme", "k");
        assertThat(tokens.context(token, "acme", "k")).isEqualTo(context);
        assertThat(tokens.session(tokens.session(session, "acme"), "acme")).isEqualTo(session);
        assertThat(token).matches("[A-Za-z0-9_.-]+");
    }

    @Test
    void aContextMadeUpByTheClientIsRefused() {
        String forged = ContextTokens.encode(VersionVector.of(Map.of("us-east", 1_000_000L)));
        assertThatThrownBy(() -> tokens.context(forged, "acme", "k"))
                .hasMessageContaining("malformed context token")
                .hasMessageContaining("no signature");
        String genuine = tokens.context(context, "acme", "k");
        String altered = forged + genuine.substring(genuine.lastIndexOf('.'));
        assertThatThrownBy(() -> tokens.context(altered, "acme", "k")).hasMessageContaining("signature does not match");
    }

    @Test
    void tokensOfAnotherDeploymentOrPurposeAreRefused() {
        ClientTokens other = new ClientTokens(new TokenSeal(bytes("another deployment's secret")));
        assertThatThrownBy(() -> tokens.context(other.context(context, "acme", "k"), "acme", "k"))
                .hasMessageContaining("signature does not match");
        String sessionToken = tokens.session(session, "acme");
        assertThatThrownBy(() -> tokens.context(sessionToken, "acme", "k"))
                .hasMessageContaining("malformed context token");
        assertThatThrownBy(() -> tokens.session(tokens.context(context, "acme", "k"), "acme"))
                .hasMessageContaining("malformed session token");
    }

    /** A context is a claim about one key's history: on any other key it is refused. */
    @Test
    void aContextOpensOnlyForTheTenantAndKeyItWasIssuedFor() {
        String token = tokens.context(context, "acme", "a");
        assertThat(tokens.context(token, "acme", "a")).isEqualTo(context);
        assertThatThrownBy(() -> tokens.context(token, "acme", "b"))
                .hasMessageContaining("malformed context token")
                .hasMessageContaining("another purpose, tenant or key");
        assertThatThrownBy(() -> tokens.context(token, "globex", "a")).hasMessageContaining("malformed context token");
        // The separator cannot be forged by moving characters between tenant and key.
        assertThatThrownBy(() -> tokens.context(tokens.context(context, "ac", "me-a"), "acme", "-a"))
                .hasMessageContaining("malformed context token");
    }

    @Test
    void garbageIsRefusedWithAClearMessage() {
        for (String garbage : new String[] {"", ".", "abc", "abc.%%%", "abc.def"}) {
            assertThatThrownBy(() -> tokens.context(garbage, "acme", "k"))
                    .hasMessageStartingWith("malformed context token");
            assertThatThrownBy(() -> tokens.session(garbage, "acme")).hasMessageStartingWith("malformed session token");
        }
    }

    @Test
    void trustedProducersCanReadTheContextWithoutTheKey() {
        assertThat(ClientTokens.unsealedContext(tokens.context(context, "acme", "k")))
                .isEqualTo(context);
    }

    @Test
    void aShortSecretIsRefused() {
        assertThatThrownBy(() -> new TokenSeal(bytes("short"))).hasMessageContaining("at least 16 bytes");
    }
}
