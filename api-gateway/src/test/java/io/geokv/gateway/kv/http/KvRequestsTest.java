package io.geokv.gateway.kv.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.access.Grant;
import io.geokv.conflict.VersionVector;
import io.geokv.gateway.kv.Consistency;
import io.geokv.gateway.kv.KeyRef;
import io.geokv.gateway.kv.KvProblem;
import io.geokv.gateway.kv.ReadRequest;
import io.geokv.gateway.kv.WriteRequest;
import io.geokv.gateway.session.SessionPositions;
import io.geokv.gateway.tokens.ClientTokens;
import io.geokv.gateway.tokens.TokenSeal;
import io.geokv.position.EventPartition;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

class KvRequestsTest {

    private static final Grant ANYONE = Grant.of("reader", List.of("reader"), List.of("*"), List.of());

    private final ClientTokens tokens =
            new ClientTokens(new TokenSeal("a shared secret of the deployment".getBytes(StandardCharsets.UTF_8)));
    private final KvRequests requests = new KvRequests(tokens);

    @Test
    void thePathLosesItsSlash() {
        assertThat(requests.fromPath("acme", "/a/b")).isEqualTo(new KeyRef("acme", "a/b"));
        assertThat(requests.key("acme", "k")).isEqualTo(new KeyRef("acme", "k"));
    }

    @Test
    void tokensAreOpenedForTheirTenantAndKeyAndIfMatchMayBeQuoted() {
        KeyRef key = new KeyRef("acme", "k");
        VersionVector context = VersionVector.of(Map.of("us-east", 2L));
        String token = tokens.context(context, "acme", "k");
        HttpHeaders headers = new HttpHeaders();
        headers.set("X-Context", token);
        headers.set(HttpHeaders.IF_MATCH, "\"" + token + "\"");
        headers.set("X-Consistency", "Strong");

        WriteRequest write = requests.write("eu-west", key, new byte[] {1}, "text/plain", headers, null);

        assertThat(write.context()).contains(context);
        assertThat(write.expected()).contains(context);
        assertThat(write.level()).isEqualTo(Consistency.STRONG);
        assertThat(write.arbitrated()).isTrue();
        assertThatThrownBy(() -> requests.write("eu-west", new KeyRef("acme", "other"), null, "x", headers, null))
                .isInstanceOfSatisfying(
                        KvProblem.class, problem -> assertThat(problem.type()).isEqualTo("invalid-context"));
    }

    @Test
    void aTimeToLiveIsAWholeNumberOfSecondsAndNeverOnADelete() {
        KeyRef key = new KeyRef("acme", "k");
        HttpHeaders none = new HttpHeaders();

        assertThat(requests.write("eu-west", key, new byte[] {1}, "x", none, "2")
                        .ttlSeconds())
                .hasValue(2);
        assertThat(requests.write("eu-west", key, new byte[] {1}, "x", none, null)
                        .ttlSeconds())
                .isEmpty();
        assertThat(KvRequests.ttl(7)).hasValue(7);
        assertThat(KvRequests.ttl(7L)).hasValue(7);
        assertThat(KvRequests.ttl("3153600000")).hasValue(3_153_600_000L);
        for (Object bad : new Object[] {
            "0", "-1", "1.5", "", " 2", "2s", "abc", "99999999999999999999999", 0, -4, 2.0, 1.5, true, List.of()
        }) {
            assertThatThrownBy(() -> KvRequests.ttl(bad))
                    .as("ttl %s", bad)
                    .isInstanceOfSatisfying(
                            KvProblem.class,
                            problem -> assertThat(problem.type()).isEqualTo("invalid-ttl"));
        }
        assertThatThrownBy(() -> requests.write("eu-west", key, null, null, none, "5"))
                .isInstanceOfSatisfying(
                        KvProblem.class, problem -> assertThat(problem.type()).isEqualTo("invalid-ttl"));
    }

    @Test
    void anInstantOfThePastHasAZoneAndIsNotInTheFuture() {
        assertThat(KvRequests.instant("2026-01-02T03:04:05Z"))
                .contains(java.time.Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(KvRequests.instant("2026-01-02T04:04:05.5+01:00"))
                .contains(java.time.Instant.parse("2026-01-02T03:04:05.5Z"));
        assertThat(KvRequests.instant(null)).isEmpty();
        for (String bad : new String[] {"yesterday", "2026-01-02", "2026-01-02T03:04:05", "", "9999-01-01T00:00:00Z"}) {
            assertThatThrownBy(() -> KvRequests.instant(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            KvProblem.class,
                            problem -> assertThat(problem.type()).isEqualTo("invalid-instant"));
        }
    }

    @Test
    void aSessionTokenMakesTheDefaultLevelSessionAndABadOneIsTheClientsError() {
        SessionPositions session =
                SessionPositions.empty().withWrite(new EventPartition("kv-events.us-east", 0), 5, 1L << 20);
        HttpHeaders headers = new HttpHeaders();
        headers.set("X-Session", tokens.session(session, "acme"));

        ReadRequest read = requests.read("us-east", new KeyRef("acme", "k"), headers, ANYONE, null);

        assertThat(read.level()).isEqualTo(Consistency.SESSION);
        assertThat(read.session()).isEqualTo(session);
        // A session of one tenant is refused for another.
        assertThatThrownBy(() -> requests.read("us-east", new KeyRef("other", "k"), headers, ANYONE, null))
                .isInstanceOfSatisfying(
                        KvProblem.class, problem -> assertThat(problem.type()).isEqualTo("invalid-session"));
        headers.set("X-Session", "not-a-token");
        assertThatThrownBy(() -> requests.read("us-east", new KeyRef("acme", "k"), headers, ANYONE, null))
                .isInstanceOfSatisfying(
                        KvProblem.class, problem -> assertThat(problem.type()).isEqualTo("invalid-session"));
    }

    @Test
    void anInvalidKeyIsRefusedBeforeAnythingElse() {
        assertThatThrownBy(() -> requests.key("acme", ""))
                .isInstanceOfSatisfying(
                        KvProblem.class, problem -> assertThat(problem.type()).isEqualTo("invalid-key"));
    }
}
