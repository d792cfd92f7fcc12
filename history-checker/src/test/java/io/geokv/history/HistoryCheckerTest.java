package io.geokv.history;

import static io.geokv.history.Ops.addOperation;
import static io.geokv.history.Ops.changeOperation;
import static io.geokv.history.Ops.event;
import static io.geokv.history.Ops.op;
import static io.geokv.history.Ops.replaceFinalState;
import static io.geokv.history.Ops.state;
import static io.geokv.history.Ops.withDigests;
import static io.geokv.history.Ops.withLog;
import static io.geokv.history.ValidHistory.ASIA;
import static io.geokv.history.ValidHistory.EAST;
import static io.geokv.history.ValidHistory.WEST;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each test breaks {@link ValidHistory} in one way and expects exactly the anomaly that way shows. */
class HistoryCheckerTest {

    private static final History VALID = ValidHistory.build();

    @Test
    void theValidHistoryHasNoAnomaly() {
        assertThat(HistoryChecker.check(VALID)).isEmpty();
    }

    @Test
    void anAcknowledgedEventMissingFromTheLogIsALostWrite() {
        History broken = withLog(withoutReadOfW1(VALID), without(VALID.log(), "w1"));

        assertThat(HistoryChecker.check(broken)).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AnomalyType.LOST_WRITE);
            assertThat(a.operationId()).isEqualTo(2L);
            assertThat(a.key()).isEqualTo("cart");
        });
    }

    @Test
    void anAcknowledgedEventInAnotherKeysLogIsALostWrite() {
        List<LoggedEvent> log = without(VALID.log(), "w1");
        log.add(event(WEST, 0, "w1", "elsewhere", Map.of(), "b"));
        History broken = withLog(withoutReadOfW1(VALID), log);

        // The key it landed in has no final state either: diverged-state for it, not asserted here.
        assertThat(HistoryChecker.check(broken))
                .filteredOn(a -> a.key().equals("cart"))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.type()).isEqualTo(AnomalyType.LOST_WRITE);
                    assertThat(a.detail()).contains("elsewhere");
                });
    }

    @Test
    void anAcknowledgedEventTheMergeRefusesIsReported() {
        List<LoggedEvent> log = without(VALID.log(), "w1");
        log.add(event(WEST, 0, "w1", "cart", Map.of(WEST, 1L), "b"));
        History broken = withLog(withoutReadOfW1(VALID), log);

        assertThat(HistoryChecker.check(broken)).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AnomalyType.REFUSED_ACKNOWLEDGED_WRITE);
            assertThat(a.operationId()).isEqualTo(2L);
        });
    }

    @Test
    void unknownWritesMayOrMayNotBeInTheLog() {
        History absent = changeOperation(
                withLog(withoutReadOfW1(VALID), without(VALID.log(), "w1")), 2, o -> o.outcome(Outcome.UNKNOWN, 0));
        History present = changeOperation(VALID, 2, o -> o.outcome(Outcome.UNKNOWN, 0));

        assertThat(HistoryChecker.check(absent)).isEmpty();
        assertThat(HistoryChecker.check(present)).isEmpty();
    }

    @Test
    void aFinalStateMissingASiblingIsADivergedStateNamingTheRegion() {
        History broken = replaceFinalState(VALID, state(WEST, "gone", null));

        assertThat(HistoryChecker.check(broken)).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AnomalyType.DIVERGED_STATE);
            assertThat(a.key()).isEqualTo("gone");
            assertThat(a.detail()).contains(WEST);
        });
    }

    @Test
    void aFinalStateKeepingASupersededSiblingIsADivergedState() {
        History broken = replaceFinalState(VALID, state(ASIA, "cart", "c", "a1", "w1"));

        assertThat(types(HistoryChecker.check(broken))).containsExactly(AnomalyType.DIVERGED_STATE);
    }

    @Test
    void aRegionWithoutAStateOfAKeyHasDiverged() {
        List<FinalState> states = new ArrayList<>(VALID.finalStates());
        states.removeIf(s -> s.region().equals(EAST) && s.key().equals("cart"));
        History broken = Ops.withFinalStates(VALID, states);

        assertThat(HistoryChecker.check(broken)).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AnomalyType.DIVERGED_STATE);
            assertThat(a.detail()).contains(EAST);
        });
    }

    @Test
    void unequalDigestsAreReported() {
        History broken = withDigests(VALID, Map.of(EAST, "d1", WEST, "d1", ASIA, "d2"));

        assertThat(types(HistoryChecker.check(broken))).containsExactly(AnomalyType.DIGESTS_DIFFER);
    }

    @Test
    void aRegionWithoutADigestIsReported() {
        History broken = withDigests(VALID, Map.of(EAST, "d1", WEST, "d1"));

        assertThat(HistoryChecker.check(broken)).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AnomalyType.DIGESTS_DIFFER);
            assertThat(a.detail()).contains(ASIA);
        });
    }

    @Test
    void aCounterBelowItsAcknowledgedIncrementsLostOne() {
        History broken = Ops.withoutLastWriterWins(replaceFinalState(VALID, state(EAST, "counter", "1", "a2")));

        assertThat(HistoryChecker.check(broken)).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AnomalyType.LOST_INCREMENT);
            assertThat(a.detail()).contains(EAST);
        });
    }

    @Test
    void aCounterAboveEveryPossibleIncrementIsAPhantom() {
        History broken = Ops.withoutLastWriterWins(replaceFinalState(VALID, state(EAST, "counter", "3", "a2")));

        assertThat(types(HistoryChecker.check(broken))).containsExactly(AnomalyType.PHANTOM_INCREMENT);
    }

    @Test
    void anIncrementWithUnknownOutcomeMayHaveApplied() {
        History maybe = addOperation(
                Ops.withoutLastWriterWins(VALID),
                op(20, OperationKind.CAS_INCREMENT, "counter")
                        .process("p5")
                        .expected(2)
                        .at(90, 100)
                        .outcome(Outcome.UNKNOWN, 0)
                        .build());

        assertThat(HistoryChecker.check(maybe)).isEmpty();
        assertThat(types(HistoryChecker.check(replaceFinalState(maybe, state(EAST, "counter", "3", "a2")))))
                .isEmpty();
    }

    @Test
    void twoSuccessfulIncrementsWritingTheSameValueAreADuplicate() {
        // The losing CAS of p3 (same If-Match as a2) succeeds instead: both write 2.
        History both =
                changeOperation(VALID, 12, o -> o.outcome(Outcome.OK, 200).event("e5"));
        List<LoggedEvent> log = new ArrayList<>(both.log());
        log.add(event(EAST, 5, "e5", "counter", Map.of(EAST, 1L, WEST, 1L), "2"));
        both = withLog(both, log);
        both = changeOperation(both, 13, o -> o.read("2", Map.of(EAST, 2L, WEST, 1L, ASIA, 1L), "a2", "e5"));
        for (String region : ValidHistory.REGIONS) {
            both = replaceFinalState(both, state(region, "counter", "2", "a2", "e5"));
        }

        List<Anomaly> anomalies = HistoryChecker.check(both);

        assertThat(anomalies)
                .filteredOn(a -> a.type() == AnomalyType.DUPLICATE_INCREMENT)
                .singleElement()
                .satisfies(a -> assertThat(a.operationId()).isEqualTo(12L));
        // Three acknowledged increments from 0 should read 3: the duplicate also lost one.
        assertThat(types(anomalies)).containsOnly(AnomalyType.DUPLICATE_INCREMENT, AnomalyType.LOST_INCREMENT);
    }

    @Test
    void aSessionReadMissingTheSessionsOwnWriteBreaksReadYourWrites() {
        History broken = changeOperation(VALID, 5, o -> o.read("b", Map.of(EAST, 1L, WEST, 1L), "e1", "w1"));

        assertThat(HistoryChecker.check(broken)).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AnomalyType.READ_YOUR_WRITES);
            assertThat(a.operationId()).isEqualTo(5L);
        });
    }

    @Test
    void aSessionReadOverlappingItsWriteNeedNotSeeIt() {
        History overlapping =
                changeOperation(VALID, 5, o -> o.at(55, 80).read("b", Map.of(EAST, 1L, WEST, 1L), "e1", "w1"));

        assertThat(HistoryChecker.check(overlapping)).isEmpty();
    }

    @Test
    void aSessionReadSeeingLessThanAnEarlierOneBreaksMonotonicReads() {
        // Still covers the session's own writes (us-east:1 and asia-pac:1), but not eu-west:1 read before.
        History broken = addOperation(
                VALID,
                op(15, OperationKind.SESSION_READ, "cart")
                        .session("s1")
                        .region(ASIA)
                        .at(90, 100)
                        .read("c", Map.of(EAST, 1L, ASIA, 1L), "a1")
                        .build());

        assertThat(HistoryChecker.check(broken)).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AnomalyType.MONOTONIC_READS);
            assertThat(a.operationId()).isEqualTo(15L);
        });
    }

    @Test
    void aStrongReadMissingAnEarlierAcknowledgedWriteIsStale() {
        History broken = changeOperation(VALID, 13, o -> o.read("1", Map.of(EAST, 1L, WEST, 1L), "w2"));

        assertThat(HistoryChecker.check(broken)).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AnomalyType.STALE_STRONG_READ);
            assertThat(a.operationId()).isEqualTo(13L);
        });
    }

    @Test
    void readingARefusedEventIsAPhantomRead() {
        History broken = addOperation(
                VALID,
                op(16, OperationKind.EVENTUAL_READ, "forged")
                        .process("p5")
                        .region(WEST)
                        .at(90, 100)
                        .read("f", Map.of(WEST, 1L), "w-forged")
                        .build());

        assertThat(HistoryChecker.check(broken)).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AnomalyType.PHANTOM_READ);
            assertThat(a.operationId()).isEqualTo(16L);
        });
    }

    @Test
    void readingASiblingTheReadsContextDoesNotCoverIsAPhantomRead() {
        History broken = addOperation(
                VALID,
                op(16, OperationKind.EVENTUAL_READ, "cart")
                        .process("p5")
                        .region(ASIA)
                        .at(90, 100)
                        .read("c", Map.of(EAST, 1L, WEST, 1L), "a1")
                        .build());

        assertThat(types(HistoryChecker.check(broken))).containsExactly(AnomalyType.PHANTOM_READ);
    }

    @Test
    void readingAValueNoCountedEventWroteIsAPhantomRead() {
        History broken = addOperation(
                VALID,
                op(16, OperationKind.EVENTUAL_READ, "cart")
                        .process("p5")
                        .region(ASIA)
                        .at(90, 100)
                        .read("never-written", Map.of(EAST, 1L, WEST, 1L, ASIA, 1L))
                        .build());

        assertThat(HistoryChecker.check(broken)).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AnomalyType.PHANTOM_READ);
            assertThat(a.detail()).contains("never-written");
        });
    }

    @Test
    void aRegionStillShowingASupersededValueIsStale() {
        History stale = replaceFinalState(VALID, Ops.state(WEST, "cart", "a", "a1"));

        assertThat(HistoryChecker.check(stale)).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(AnomalyType.STALE_VISIBLE_VALUE);
            assertThat(a.detail()).contains("eu-west", "'a'", "'c'");
        });
    }

    @Test
    void aDeletedKeyMustReadAsAbsent() {
        History stale = replaceFinalState(VALID, Ops.state(ASIA, "gone", "x", "e3"));

        assertThat(types(HistoryChecker.check(stale))).containsExactly(AnomalyType.STALE_VISIBLE_VALUE);
    }

    @Test
    void lastWriterWinsPicksTheLatestTimestampAmongConcurrentSiblings() {
        KeyModel key = LogModel.of(
                        List.of(
                                Ops.event(EAST, 5, "early", "k", Map.of(), "old"),
                                Ops.event(WEST, 9, "late", "k", Map.of(), "new")),
                        4)
                .key(new KeyRef(Ops.TENANT, "k"))
                .orElseThrow();

        assertThat(key.siblingEventIds()).containsExactly("early", "late");
        assertThat(key.lastWriterWins()).map(c -> c.event().value()).contains("new");
    }

    @Test
    void anEventualReadMayBeStale() {
        History stale = addOperation(
                VALID,
                op(16, OperationKind.EVENTUAL_READ, "cart")
                        .process("p5")
                        .region(EAST)
                        .at(90, 100)
                        .read("a", Map.of(EAST, 1L), "e1")
                        .build());

        assertThat(HistoryChecker.check(stale)).isEmpty();
    }

    @Test
    void a500IsAServerError() {
        History broken = changeOperation(VALID, 14, o -> o.outcome(Outcome.FAIL, 500));

        assertThat(types(HistoryChecker.check(broken))).containsExactly(AnomalyType.SERVER_ERROR);
    }

    @Test
    void a500ProblemDuringAFaultIsStillAServerError() {
        History broken =
                changeOperation(VALID, 14, o -> o.outcome(Outcome.FAIL, 500).problem());

        assertThat(types(HistoryChecker.check(broken))).containsExactly(AnomalyType.SERVER_ERROR);
    }

    @Test
    void a503ProblemOutsideEveryFaultWindowIsAServerError() {
        History broken = changeOperation(VALID, 14, o -> o.at(2500, 2600));

        assertThat(types(HistoryChecker.check(broken))).containsExactly(AnomalyType.SERVER_ERROR);
    }

    @Test
    void a503WithoutAProblemBodyIsAServerErrorEvenDuringAFault() {
        History broken = changeOperation(VALID, 14, o -> {
            o.problemJson = false;
            return o;
        });

        assertThat(types(HistoryChecker.check(broken))).containsExactly(AnomalyType.SERVER_ERROR);
    }

    @Test
    void a504ProblemOverlappingAFaultWindowIsFine() {
        // Invoked before the fault started, answered during it.
        History fine = changeOperation(VALID, 14, o -> o.at(900, 1100).outcome(Outcome.UNKNOWN, 504));

        assertThat(HistoryChecker.check(fine)).isEmpty();
    }

    @Test
    void theCapSupersedesAnOriginsOldestConcurrentWriteWithoutAnomaly() {
        List<Operation> ops = List.of(
                op(1, OperationKind.BLIND_WRITE, "k")
                        .value("1")
                        .at(10, 20)
                        .event("e1")
                        .build(),
                op(2, OperationKind.BLIND_WRITE, "k")
                        .process("p2")
                        .value("2")
                        .at(10, 20)
                        .event("e2")
                        .build(),
                op(3, OperationKind.BLIND_WRITE, "k")
                        .process("p3")
                        .value("3")
                        .at(10, 20)
                        .event("e3")
                        .build());
        List<LoggedEvent> log = List.of(
                event(EAST, 0, "e1", "k", Map.of(), "1"),
                event(EAST, 1, "e2", "k", Map.of(), "2"),
                event(EAST, 2, "e3", "k", Map.of(), "3"));
        List<FinalState> states = List.of(state(EAST, "k", "3", "e2", "e3"), state(WEST, "k", "3", "e2", "e3"));
        History capped =
                new History(7, List.of(EAST, WEST), 2, ops, List.of(), log, states, Map.of(EAST, "d", WEST, "d"), true);

        assertThat(HistoryChecker.check(capped)).isEmpty();
        KeyModel model = LogModel.of(capped).key(new KeyRef(Ops.TENANT, "k")).orElseThrow();
        assertThat(model.isCoveredOnlyByCap(new Dot(EAST, 1))).isTrue();
        assertThat(model.siblingEventIds()).containsExactly("e2", "e3");
    }

    /** The session read of cart, which saw w1 next to e1, reporting only e1: for histories where w1 is not counted. */
    private static History withoutReadOfW1(History h) {
        return changeOperation(h, 3, o -> o.read("a", Map.of(EAST, 1L, WEST, 1L), "e1"));
    }

    private static List<LoggedEvent> without(List<LoggedEvent> log, String eventId) {
        List<LoggedEvent> kept = new ArrayList<>(log);
        kept.removeIf(e -> e.eventId().equals(eventId));
        return kept;
    }

    private static List<AnomalyType> types(List<Anomaly> anomalies) {
        return anomalies.stream().map(Anomaly::type).distinct().toList();
    }
}
