package io.geokv.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionPositionsTest {

    private final EventPartition east0 = new EventPartition("kv-events.us-east", 0);
    private final EventPartition west2 = new EventPartition("kv-events.eu-west", 2);

    @Test
    void aRegionHasAppliedTheSessionOnceItsAppliedOffsetsPassEveryWrite() {
        SessionPositions session = SessionPositions.empty()
                .withWrite(east0, 10, 5)
                .withWrite(west2, 4, 9)
                .withWrite(east0, 7, 6);
        assertThat(session.positions().asMap()).containsExactly(Map.entry(west2, 5L), Map.entry(east0, 11L));
        assertThat(session.positions().coveredBy(LogPositions.of(Map.of(east0, 11L, west2, 5L))))
                .isTrue();
        assertThat(session.positions().coveredBy(LogPositions.of(Map.of(east0, 10L, west2, 9L))))
                .isFalse();
        assertThat(session.positions().coveredBy(LogPositions.of(Map.of(east0, 20L))))
                .as("a partition never applied")
                .isFalse();
        assertThat(SessionPositions.empty().positions().coveredBy(LogPositions.empty()))
                .isTrue();
        assertThat(session.clock()).as("the latest write's timestamp").isEqualTo(9);
    }

    @Test
    void whatAReadHasSeenJoinsTheWritesAndKeepsTheClock() {
        SessionPositions session = SessionPositions.empty().withWrite(east0, 10, 5);
        SessionPositions seen = session.withSeen(LogPositions.of(Map.of(east0, 3L, west2, 7L)));
        assertThat(seen.positions().asMap()).containsExactly(Map.entry(west2, 7L), Map.entry(east0, 11L));
        assertThat(seen.clock()).isEqualTo(5);
        assertThat(SessionPositions.decode(seen.encode())).isEqualTo(seen);
    }

    @Test
    void encodingRoundTripsAndRefusesAnythingElse() {
        SessionPositions session =
                SessionPositions.empty().withWrite(east0, 10, 3).withWrite(west2, 4, 8);
        assertThat(SessionPositions.decode(session.encode())).isEqualTo(session);
        assertThat(SessionPositions.decode(SessionPositions.empty().encode())).isEqualTo(SessionPositions.empty());
        for (String text : new String[] {
            "t/0/1",
            "0|t/0",
            "0|t/x/1",
            "0|t/0/-1",
            "0|t/0/0",
            "0|bad topic!/0/1",
            "0|t/0/1;t/0/2",
            "0|t/0/01",
            "-1|t/0/1",
            "01|t/0/1",
            "x|"
        }) {
            String encoded =
                    Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> SessionPositions.decode(encoded))
                    .as(text)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> SessionPositions.decode("***")).hasMessageContaining("base64url");
    }
}
