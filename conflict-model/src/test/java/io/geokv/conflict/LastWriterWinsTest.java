package io.geokv.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class LastWriterWinsTest {

    private static Sibling sibling(String region, long counter, String eventId, long ts) {
        return new Sibling(new Dot(region, counter), eventId, new byte[] {1}, null, ts);
    }

    @Test
    void noSiblingsNoWinner() {
        assertThat(LastWriterWins.winner(List.of())).isEmpty();
    }

    @Test
    void highestTimestampWins() {
        Sibling early = sibling("us-east", 1, "z", 100);
        Sibling late = sibling("ap-south", 1, "a", 200);
        assertThat(LastWriterWins.winner(List.of(early, late))).contains(late);
        assertThat(LastWriterWins.winner(List.of(late, early))).contains(late);
    }

    @Test
    void timestampTieGoesToHighestRegionId() {
        Sibling east = sibling("us-east", 1, "a", 100);
        Sibling west = sibling("eu-west", 1, "z", 100);
        assertThat(LastWriterWins.winner(List.of(east, west))).contains(east);
        assertThat(LastWriterWins.winner(List.of(west, east))).contains(east);
    }

    @Test
    void regionTieGoesToHighestEventId() {
        Sibling a = sibling("us-east", 1, "event-a", 100);
        Sibling b = sibling("us-east", 2, "event-b", 100);
        assertThat(LastWriterWins.winner(List.of(a, b))).contains(b);
        assertThat(LastWriterWins.winner(List.of(b, a))).contains(b);
    }

    @Test
    void aTombstoneCanWin() {
        Sibling value = sibling("us-east", 1, "a", 100);
        Sibling tombstone = new Sibling(new Dot("eu-west", 1), "b", null, null, 101);
        assertThat(LastWriterWins.winner(List.of(value, tombstone)))
                .hasValueSatisfying(w -> assertThat(w.isTombstone()).isTrue());
    }

    @Test
    void theAnswerDoesNotDependOnTheInputOrder() {
        List<Sibling> all = new ArrayList<>(List.of(
                sibling("us-east", 1, "e1", 5), sibling("eu-west", 1, "e2", 5),
                sibling("us-east", 2, "e3", 4), sibling("ap-south", 1, "e4", 5)));
        Sibling expected = LastWriterWins.winner(all).orElseThrow();
        assertThat(expected.eventId()).isEqualTo("e1");
        for (int i = 0; i < 10; i++) {
            Collections.shuffle(all);
            assertThat(LastWriterWins.winner(all)).contains(expected);
        }
        List<Sibling> sorted = new ArrayList<>(all);
        sorted.sort(LastWriterWins.ORDER);
        assertThat(sorted.get(sorted.size() - 1)).isEqualTo(expected);
    }
}
