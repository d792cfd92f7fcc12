package io.geokv.history;

import static io.geokv.history.OperationKind.BLIND_WRITE;
import static io.geokv.history.OperationKind.CAS_INCREMENT;
import static io.geokv.history.OperationKind.CONTEXT_WRITE;
import static io.geokv.history.OperationKind.DELETE;
import static io.geokv.history.OperationKind.EVENTUAL_READ;
import static io.geokv.history.OperationKind.SESSION_READ;
import static io.geokv.history.OperationKind.STRONG_READ;
import static io.geokv.history.Ops.event;
import static io.geokv.history.Ops.op;
import static io.geokv.history.Ops.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A small history that satisfies every check, in three regions. Each anomaly test breaks it in one
 * way. The siblings of the final states are written by hand from the documented rule, so this
 * history also tests {@link LogModel}.
 *
 * <ul>
 *   <li>{@code cart}: concurrent blind writes in us-east (e1, session s1) and eu-west (w1), e1
 *       delivered twice; a context write in asia-pac (a1, session s1) with the context of both
 *       supersedes them; session reads before and after.
 *   <li>{@code gone}: a write (e2) then a delete (e3) that saw it: one tombstone sibling.
 *   <li>{@code forged}: an event produced straight to Kafka whose context claims its own dot:
 *       refused, never acknowledged, so no state.
 *   <li>{@code counter}: initial 0 (e4), CAS increments to 1 (w2) and 2 (a2), one losing CAS (412),
 *       a strong read after them.
 *   <li>an eventual read answering 503 problem+json during a replication outage.
 * </ul>
 */
final class ValidHistory {

    static final String EAST = "us-east";
    static final String WEST = "eu-west";
    static final String ASIA = "asia-pac";
    static final List<String> REGIONS = List.of(EAST, WEST, ASIA);

    private ValidHistory() {}

    static History build() {
        List<Operation> ops = List.of(
                op(1, BLIND_WRITE, "cart")
                        .session("s1")
                        .region(EAST)
                        .value("a")
                        .at(10, 20)
                        .event("e1")
                        .build(),
                op(2, BLIND_WRITE, "cart")
                        .process("p2")
                        .region(WEST)
                        .value("b")
                        .at(10, 20)
                        .event("w1")
                        .build(),
                op(3, SESSION_READ, "cart")
                        .session("s1")
                        .region(WEST)
                        .at(30, 40)
                        .read("b", Map.of(EAST, 1L, WEST, 1L), "e1", "w1")
                        .build(),
                op(4, CONTEXT_WRITE, "cart")
                        .session("s1")
                        .region(ASIA)
                        .value("c")
                        .at(50, 60)
                        .event("a1")
                        .build(),
                op(5, SESSION_READ, "cart")
                        .session("s1")
                        .region(EAST)
                        .at(70, 80)
                        .read("c", Map.of(EAST, 1L, WEST, 1L, ASIA, 1L), "a1")
                        .build(),
                op(6, BLIND_WRITE, "gone")
                        .region(EAST)
                        .value("x")
                        .at(10, 20)
                        .event("e2")
                        .build(),
                op(7, DELETE, "gone").region(EAST).at(30, 40).event("e3").build(),
                op(9, BLIND_WRITE, "counter")
                        .region(EAST)
                        .value("0")
                        .at(10, 20)
                        .event("e4")
                        .build(),
                op(10, CAS_INCREMENT, "counter")
                        .region(WEST)
                        .expected(0)
                        .at(30, 40)
                        .event("w2")
                        .build(),
                op(11, CAS_INCREMENT, "counter")
                        .process("p2")
                        .region(ASIA)
                        .expected(1)
                        .at(50, 60)
                        .event("a2")
                        .build(),
                op(12, CAS_INCREMENT, "counter")
                        .process("p3")
                        .region(EAST)
                        .expected(1)
                        .at(50, 60)
                        .outcome(Outcome.FAIL, 412)
                        .problem()
                        .build(),
                op(13, STRONG_READ, "counter")
                        .process("p3")
                        .region(EAST)
                        .at(70, 80)
                        .read("2", Map.of(EAST, 1L, WEST, 1L, ASIA, 1L), "a2")
                        .build(),
                op(14, EVENTUAL_READ, "cart")
                        .process("p4")
                        .region(WEST)
                        .at(1500, 1600)
                        .outcome(Outcome.FAIL, 503)
                        .problem()
                        .build());
        List<LoggedEvent> log = List.of(
                event(EAST, 0, "e1", "cart", Map.of(), "a"),
                event(WEST, 0, "w1", "cart", Map.of(), "b"),
                event(EAST, 1, "e1", "cart", Map.of(), "a"),
                event(ASIA, 0, "a1", "cart", Map.of(EAST, 1L, WEST, 1L), "c"),
                event(EAST, 2, "e2", "gone", Map.of(), "x"),
                event(EAST, 3, "e3", "gone", Map.of(EAST, 1L), null),
                event(WEST, 1, "w-forged", "forged", Map.of(WEST, 1L), "f"),
                event(EAST, 4, "e4", "counter", Map.of(), "0"),
                event(WEST, 2, "w2", "counter", Map.of(EAST, 1L), "1"),
                event(ASIA, 1, "a2", "counter", Map.of(EAST, 1L, WEST, 1L), "2"));
        List<FinalState> states = new ArrayList<>();
        for (String region : REGIONS) {
            states.add(state(region, "cart", "c", "a1"));
            states.add(state(region, "gone", null, "e3"));
            states.add(state(region, "counter", "2", "a2"));
        }
        return new History(
                42,
                REGIONS,
                4,
                ops,
                List.of(new Fault("kill-replication", WEST, 1000, 2000)),
                log,
                states,
                Map.of(EAST, "d1", WEST, "d1", ASIA, "d1"),
                true);
    }
}
