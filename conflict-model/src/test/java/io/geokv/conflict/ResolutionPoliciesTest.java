package io.geokv.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResolutionPoliciesTest {

    private static Sibling sibling(String region, long counter, String value, long timestamp) {
        return new Sibling(
                new Dot(region, counter),
                region + "-" + counter,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8),
                "application/json",
                timestamp);
    }

    private static Resolution.Value value(String json) {
        return new Resolution.Value(json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    private final Sibling east = sibling("us-east", 1, "[\"milk\",\"eggs\"]", 10);
    private final Sibling west = sibling("eu-west", 1, "[\"bread\",\"milk\"]", 20);
    private final Sibling westDelete = sibling("eu-west", 2, null, 30);

    @Test
    void lastWriterWinsShowsTheNewestValueAndNothingWhenItIsADelete() {
        LastWriterWins lww = new LastWriterWins();
        assertThat(lww.resolve(List.of(west, east))).isEqualTo(Resolution.Value.of(west));
        assertThat(lww.resolve(List.of(east, westDelete))).isEqualTo(Resolution.ABSENT);
        assertThat(lww.resolve(List.of())).isEqualTo(Resolution.ABSENT);
    }

    @Test
    void siblingsAreAllShownAndConcurrentDeletesDoNotHideValues() {
        KeepSiblings siblings = new KeepSiblings();
        assertThat(siblings.resolve(List.of(west, east))).isEqualTo(new Resolution.Conflict(List.of(west, east)));
        assertThat(siblings.resolve(List.of(east, westDelete))).isEqualTo(Resolution.Value.of(east));
        assertThat(siblings.resolve(List.of(westDelete))).isEqualTo(Resolution.ABSENT);
    }

    @Test
    void theSetUnionMergesConcurrentArraysIntoOneSortedArrayWithoutDuplicates() {
        JsonSetUnion union = new JsonSetUnion();
        assertThat(union.resolve(List.of(west, east))).isEqualTo(value("[\"bread\",\"eggs\",\"milk\"]"));
        assertThat(union.resolve(List.of(east, west))).isEqualTo(union.resolve(List.of(west, east)));
        assertThat(union.resolve(List.of(east, westDelete))).isEqualTo(Resolution.Value.of(east));
    }

    @Test
    void theSetUnionShowsTheSiblingsRatherThanLoseAValueThatIsNotAnArray() {
        Sibling text = sibling("asia-pac", 1, "not json", 5);
        Sibling object = sibling("asia-pac", 2, "{\"a\":1}", 6);
        JsonSetUnion union = new JsonSetUnion();
        assertThat(union.resolve(List.of(east, text))).isEqualTo(new Resolution.Conflict(List.of(east, text)));
        assertThat(union.resolve(List.of(east, object))).isEqualTo(new Resolution.Conflict(List.of(east, object)));
    }
}
