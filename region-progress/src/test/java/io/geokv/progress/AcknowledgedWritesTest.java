package io.geokv.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import org.junit.jupiter.api.Test;

class AcknowledgedWritesTest {

    private static final EventPartition P = new EventPartition("kv-events.us-east", 0);

    @Test
    void tellsWhereTheAcknowledgedEventsEndAndWhenTheFirstOneNotHeldElsewhereWasWritten() {
        AcknowledgedWrites writes = new AcknowledgedWrites(true);
        writes.acknowledged(P, 10, 1_000);
        writes.acknowledged(P, 12, 1_200);
        writes.acknowledged(P, 11, 1_100);

        assertThat(writes.ends()).isEqualTo(LogPositions.empty().with(P, 13));
        assertThat(writes.timestampFrom(P, 11)).hasValue(1_100);
        assertThat(writes.newestTimestamp(P)).hasValue(1_200);

        writes.forget(LogPositions.empty().with(P, 12));
        assertThat(writes.timestampFrom(P, 0)).hasValue(1_200);
        assertThat(writes.ends()).isEqualTo(LogPositions.empty().with(P, 13));
        assertThat(writes.timestampFrom(new EventPartition("kv-events.eu-west", 0), 0))
                .isEmpty();
    }

    @Test
    void keepsTheOldestEventsWhenTooManyAreNotHeldElsewhere() {
        AcknowledgedWrites writes = new AcknowledgedWrites(true);
        for (int i = 0; i <= AcknowledgedWrites.KEPT_PER_PARTITION; i++) {
            writes.acknowledged(P, i, i);
        }

        assertThat(writes.timestampFrom(P, 0)).hasValue(0);
        assertThat(writes.timestampFrom(P, AcknowledgedWrites.KEPT_PER_PARTITION))
                .isEmpty();
        assertThat(writes.newestTimestamp(P)).hasValue(AcknowledgedWrites.KEPT_PER_PARTITION);
        assertThat(writes.ends().next(P)).isEqualTo(AcknowledgedWrites.KEPT_PER_PARTITION + 1L);
    }

    @Test
    void keepsOnlyTheEndsInTheSingleTopology() {
        AcknowledgedWrites writes = new AcknowledgedWrites(false);
        writes.acknowledged(P, 10, 1_000);

        assertThat(writes.ends()).isEqualTo(LogPositions.empty().with(P, 11));
        assertThat(writes.timestampFrom(P, 0)).isEmpty();
    }
}
