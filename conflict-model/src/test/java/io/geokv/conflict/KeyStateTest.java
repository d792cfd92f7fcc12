package io.geokv.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyStateTest {

    private static final String EAST = "us-east";
    private static final String WEST = "eu-west";
    private static final String SOUTH = "ap-south";

    private static Write write(String id, String origin, VersionVector context, String value, long ts) {
        byte[] bytes = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        return new Write(id, origin, context, bytes, value == null ? null : "text/plain", ts);
    }

    private static String text(Sibling s) {
        return s.isTombstone() ? null : new String(s.value(), StandardCharsets.UTF_8);
    }

    @Test
    void emptyState() {
        KeyState s = KeyState.empty();
        assertThat(s.isEmpty()).isTrue();
        assertThat(s.siblings()).isEmpty();
        assertThat(s.version()).isZero();
        assertThat(s.context()).isEqualTo(VersionVector.empty());
        assertThat(s.digest()).hasSize(32);
    }

    @Test
    void aFirstWriteBecomesTheOnlySibling() {
        KeyState s = KeyState.empty().receive(write("e1", EAST, null, "v1", 10));
        assertThat(s.isEmpty()).isFalse();
        assertThat(s.version()).isEqualTo(1);
        assertThat(s.applied()).isEqualTo(VersionVector.of(Map.of(EAST, 1L)));
        assertThat(s.context()).isEqualTo(VersionVector.of(Map.of(EAST, 1L)));
        assertThat(s.lastEventIds()).containsExactlyEntriesOf(Map.of(EAST, "e1"));
        assertThat(s.siblings()).singleElement().satisfies(sib -> {
            assertThat(sib.dot()).isEqualTo(new Dot(EAST, 1));
            assertThat(sib.eventId()).isEqualTo("e1");
            assertThat(text(sib)).isEqualTo("v1");
            assertThat(sib.contentType()).isEqualTo("text/plain");
            assertThat(sib.timestamp()).isEqualTo(10);
        });
    }

    @Test
    void aCausalOverwriteLeavesOneSibling() {
        KeyState s1 = KeyState.empty().receive(write("e1", EAST, null, "v1", 10));
        KeyState s2 = s1.receive(write("e2", WEST, s1.context(), "v2", 5));
        assertThat(s2.siblings()).singleElement().satisfies(sib -> {
            assertThat(sib.dot()).isEqualTo(new Dot(WEST, 1));
            assertThat(text(sib)).isEqualTo("v2");
        });
        assertThat(s2.version()).isEqualTo(2);
    }

    @Test
    void concurrentWritesFromTwoRegionsLeaveTwoSiblingsInEitherOrder() {
        Write east = write("e1", EAST, null, "from-east", 10);
        Write west = write("w1", WEST, null, "from-west", 20);
        KeyState ew = KeyState.empty().receive(east).receive(west);
        KeyState we = KeyState.empty().receive(west).receive(east);
        assertThat(ew).isEqualTo(we);
        assertThat(ew.digest()).isEqualTo(we.digest());
        assertThat(ew.siblings())
                .extracting(KeyStateTest::text)
                .containsExactly("from-west", "from-east"); // sorted by dot: eu-west < us-east
        assertThat(LastWriterWins.winner(ew.siblings())).map(KeyStateTest::text).contains("from-west");

        KeyState resolved = ew.receive(write("e2", EAST, ew.context(), "merged", 30));
        assertThat(resolved.siblings()).extracting(KeyStateTest::text).containsExactly("merged");
    }

    @Test
    void aDeleteIsATombstoneSibling() {
        KeyState s1 = KeyState.empty().receive(write("e1", EAST, null, "v1", 10));
        KeyState s2 = s1.receive(write("e2", EAST, s1.context(), null, 11));
        assertThat(s2.siblings()).singleElement().satisfies(sib -> {
            assertThat(sib.isTombstone()).isTrue();
            assertThat(sib.value()).isNull();
            assertThat(sib.dot()).isEqualTo(new Dot(EAST, 2));
        });
        assertThat(s2.isEmpty()).isFalse();
        assertThat(LastWriterWins.winner(s2.siblings()))
                .hasValueSatisfying(w -> assertThat(w.isTombstone()).isTrue());

        KeyState s3 = s2.receive(write("e3", WEST, s2.context(), "back", 12));
        assertThat(s3.siblings()).extracting(KeyStateTest::text).containsExactly("back");
    }

    @Test
    void aDeleteConcurrentWithAWriteKeepsBoth() {
        KeyState base = KeyState.empty().receive(write("e1", EAST, null, "v1", 10));
        Write delete = write("e2", EAST, base.context(), null, 11);
        Write update = write("w1", WEST, base.context(), "v2", 12);
        KeyState s = base.receive(delete).receive(update);
        assertThat(s).isEqualTo(base.receive(update).receive(delete));
        assertThat(s.siblings()).extracting(Sibling::isTombstone).containsExactly(false, true);
    }

    @Test
    void aLateArrivingCoveredWriteIsDiscarded() {
        Write east1 = write("e1", EAST, null, "old", 10);
        // West saw east1 and overwrote it.
        KeyState atWest = KeyState.empty().receive(east1);
        Write west1 = write("w1", WEST, atWest.context(), "new", 11);

        // South receives west1 before east1.
        KeyState south = KeyState.empty().receive(west1);
        assertThat(south.siblings()).extracting(KeyStateTest::text).containsExactly("new");
        KeyState late = south.receive(east1);
        assertThat(late.siblings()).extracting(KeyStateTest::text).containsExactly("new");
        assertThat(late.applied()).isEqualTo(VersionVector.of(Map.of(EAST, 1L, WEST, 1L)));
        assertThat(late.version()).isEqualTo(2);

        assertThat(late).isEqualTo(atWest.receive(west1));
    }

    @Test
    void aBlindWriteDoesNotSupersedeWhatItHasNotSeen() {
        KeyState s1 = KeyState.empty().receive(write("e1", EAST, null, "v1", 10));
        KeyState s2 = s1.receive(write("w1", WEST, VersionVector.empty(), "blind", 11));
        assertThat(s2.siblings()).hasSize(2);
    }

    @Test
    void anImmediateDuplicateDeliveryChangesNothing() {
        Write w = write("e1", EAST, null, "v1", 10);
        KeyState once = KeyState.empty().receive(w);
        assertThat(once.receive(w)).isSameAs(once);
        KeyState other = once.receive(write("w1", WEST, null, "x", 1));
        assertThat(other.receive(w)).isSameAs(other);
    }

    @Test
    void applyIsIdempotentAndChecksTheOrigin() {
        Write w = write("e1", EAST, null, "v1", 10);
        KeyState once = KeyState.empty().apply(new Dot(EAST, 1), w);
        assertThat(once.apply(new Dot(EAST, 1), w)).isEqualTo(once);
        assertThat(once).isEqualTo(KeyState.empty().receive(w));
        assertThatThrownBy(() -> KeyState.empty().apply(new Dot(WEST, 1), w))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void outOfOrderApplyConverges() {
        Write e1 = write("e1", EAST, null, "a", 1);
        Write e2 = write("e2", EAST, VersionVector.of(Map.of(EAST, 1L)), "b", 2);
        KeyState inOrder = KeyState.empty().apply(new Dot(EAST, 1), e1).apply(new Dot(EAST, 2), e2);
        KeyState reversed = KeyState.empty().apply(new Dot(EAST, 2), e2).apply(new Dot(EAST, 1), e1);
        assertThat(reversed).isEqualTo(inOrder);
        assertThat(reversed.lastEventIds()).containsEntry(EAST, "e2");
    }

    @Test
    void contextIncludesWhatOtherRegionsHadSeen() {
        Write w = write("w1", WEST, VersionVector.of(Map.of(EAST, 3L)), "v", 1);
        KeyState s = KeyState.empty().receive(w);
        assertThat(s.applied()).isEqualTo(VersionVector.of(Map.of(WEST, 1L)));
        assertThat(s.covered()).isEqualTo(VersionVector.of(Map.of(EAST, 3L)));
        assertThat(s.context()).isEqualTo(VersionVector.of(Map.of(EAST, 3L, WEST, 1L)));
    }

    @Test
    void valuesAreCopiedAndSiblingsUnmodifiable() {
        byte[] bytes = {1, 2, 3};
        KeyState s = KeyState.empty().receive(new Write("e1", SOUTH, null, bytes, null, 1));
        byte[] digest = s.digest();
        bytes[0] = 9;
        s.siblings().get(0).value()[1] = 9;
        assertThat(s.siblings().get(0).value()).containsExactly(1, 2, 3);
        assertThat(s.digest()).isEqualTo(digest);
        assertThatThrownBy(() -> s.siblings().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void writesAndSiblingsCompareValuesByContent() {
        Write a = new Write("e", EAST, null, new byte[] {1}, "t", 1);
        Write b = new Write("e", EAST, VersionVector.empty(), new byte[] {1}, "t", 1);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new Write("e", EAST, null, new byte[] {2}, "t", 1));
        assertThat(new Write("e", EAST, null, null, null, 1).isDelete()).isTrue();
        assertThatThrownBy(() -> new Write(" ", EAST, null, null, null, 1))
                .isInstanceOf(IllegalArgumentException.class);
        Sibling s1 = new Sibling(new Dot(EAST, 1), "e", new byte[] {1}, null, 1);
        Sibling s2 = new Sibling(new Dot(EAST, 1), "e", new byte[] {1}, null, 1);
        assertThat(s1).isEqualTo(s2).hasSameHashCodeAs(s2);
    }

    /** The first defect of the integrity review: key a's context presented for key b. */
    @Test
    void aContextClaimingTheWritesOwnDotIsRefused() {
        KeyState a = KeyState.empty();
        for (int n = 1; n <= 5; n++) {
            a = a.receive(write("a" + n, EAST, a.context(), "v" + n, n));
        }
        KeyState b = KeyState.empty().receive(write("b1", WEST, null, "w", 1));
        Write hijacked = write("b2", EAST, a.context(), "lost?", 9);

        assertThat(b.causalityViolation(hijacked))
                .get()
                .asString()
                .contains("context claims 5 events of origin us-east", "only its event number 1");
        assertThatThrownBy(() -> b.receive(hijacked)).isInstanceOf(IllegalArgumentException.class);
        // Claims of other origins' events are not the write's own: they stay (a writer may have seen more).
        Write seenMore = write("b3", EAST, VersionVector.of(Map.of(WEST, 7L)), "fine", 9);
        assertThat(b.causalityViolation(seenMore)).isEmpty();
        assertThat(b.receive(seenMore).siblings())
                .extracting(KeyStateTest::text)
                .containsExactly("fine");
    }

    @Test
    void theSiblingLimitSupersedesAnOriginsOldestUnseenWrites() {
        KeyState s = KeyState.empty();
        for (int n = 1; n <= 5; n++) {
            s = s.receive(write("e" + n, EAST, null, "v" + n, n), 2);
        }
        assertThat(s.siblings()).extracting(KeyStateTest::text).containsExactly("v4", "v5");
        assertThat(s.version()).isEqualTo(5);
        KeyState other = s.receive(write("w1", WEST, null, "w1", 1), 2);
        assertThat(other.siblings()).extracting(KeyStateTest::text).containsExactly("w1", "v4", "v5");
    }
}
