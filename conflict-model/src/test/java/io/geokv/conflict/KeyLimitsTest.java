package io.geokv.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyLimitsTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void siblingsAreSplitBetweenRegionsAndBoundedBySize() {
        KeyLimits defaults = new KeyLimits(MIB, 12, 6, 16 * MIB, 3);
        assertThat(defaults.siblingsPerOrigin()).isEqualTo(4);
        assertThat(defaults.stateBytesBound()).isLessThanOrEqualTo(16 * MIB);

        KeyLimits bySize = new KeyLimits(MIB, 100, 25, 8 * MIB, 3);
        assertThat(bySize.siblingsPerOrigin()).isEqualTo(2);
        assertThat(bySize.stateBytesBound()).isLessThanOrEqualTo(8 * MIB);
    }

    @Test
    void limitsThatCannotHoldOneValuePerRegionAreRefused() {
        assertThatThrownBy(() -> new KeyLimits(MIB, 12, 6, 2 * MIB, 3)).hasMessageContaining("max-state-size");
        assertThatThrownBy(() -> new KeyLimits(MIB, 2, 1, 16 * MIB, 3)).hasMessageContaining("max-siblings");
        assertThatThrownBy(() -> new KeyLimits(MIB, 12, 13, 16 * MIB, 3)).hasMessageContaining("warn-siblings");
    }

    /** The bound is a true bound: the largest state the limits allow encodes within it. */
    @Test
    void theLargestPossibleStateFitsTheBound() {
        KeyLimits limits = new KeyLimits(1000, 6, 3, 64_000, 3);
        List<String> regions = List.of(
                "r".repeat(KeyLimits.MAX_REGION_BYTES - 1) + "a",
                "r".repeat(KeyLimits.MAX_REGION_BYTES - 1) + "b",
                "r".repeat(KeyLimits.MAX_REGION_BYTES - 1) + "c");
        KeyState s = KeyState.empty();
        int id = 0;
        for (int round = 0; round < 10; round++) {
            for (String region : regions) {
                String eventId = String.format("%0" + KeyLimits.MAX_EVENT_ID_BYTES + "d", id++);
                s = s.receive(
                        new Write(
                                eventId,
                                region,
                                VersionVector.empty(),
                                new byte[1000],
                                "t/" + "x".repeat(KeyLimits.MAX_CONTENT_TYPE_BYTES - 2),
                                Long.MAX_VALUE),
                        limits.siblingsPerOrigin());
            }
        }
        assertThat(s.siblings()).hasSize(limits.siblingsBound());
        assertThat((long) KeyStateCodec.encode(s).length).isLessThanOrEqualTo(limits.stateBytesBound());
    }
}
