package io.geokv.position;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogPositionsTest {

    private final EventPartition east0 = new EventPartition("kv-events.us-east", 0);
    private final EventPartition east1 = new EventPartition("kv-events.us-east", 1);
    private final EventPartition west0 = new EventPartition("kv-events.eu-west", 0);

    @Test
    void positionsAreCoveredOnceEveryPartitionIsReachedAndUnnamedPartitionsAreAtZero() {
        LogPositions needed = LogPositions.of(Map.of(east0, 11L, west0, 5L));
        assertThat(needed.coveredBy(LogPositions.of(Map.of(east0, 11L, west0, 5L, east1, 2L))))
                .isTrue();
        assertThat(needed.coveredBy(LogPositions.of(Map.of(east0, 10L, west0, 9L))))
                .isFalse();
        assertThat(needed.coveredBy(LogPositions.of(Map.of(east0, 20L))))
                .as("a partition never applied")
                .isFalse();
        assertThat(LogPositions.empty().coveredBy(LogPositions.empty())).isTrue();
        assertThat(needed.next(east1)).isZero();
    }

    @Test
    void positionsOnlyMoveForwardAndZeroEntriesAreNotKept() {
        LogPositions positions =
                LogPositions.empty().with(east0, 4).with(east0, 2).with(east1, 0);
        assertThat(positions.asMap()).containsExactly(Map.entry(east0, 4L));
        assertThat(positions.join(LogPositions.of(Map.of(east0, 3L, west0, 7L))).asMap())
                .containsExactly(Map.entry(west0, 7L), Map.entry(east0, 4L));
        assertThat(LogPositions.of(Map.of(east0, 0L))).isEqualTo(LogPositions.empty());
        assertThatThrownBy(() -> positions.with(east0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordsBehindCountsOnlyWhatIsAheadInTheChosenPartitions() {
        LogPositions ends = LogPositions.of(Map.of(east0, 10L, east1, 4L, west0, 6L));
        LogPositions applied = LogPositions.of(Map.of(east0, 7L, east1, 9L));
        assertThat(ends.recordsBehind(applied, p -> p.topic().equals("kv-events.us-east")))
                .isEqualTo(3);
        assertThat(ends.recordsBehind(applied, p -> true)).isEqualTo(9);
    }

    @Test
    void aPartitionNamesAKafkaTopic() {
        assertThatThrownBy(() -> new EventPartition("bad topic", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EventPartition("t", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
