package io.geokv.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Builders for test histories: operations, log records and copies of a history with one part changed. */
final class Ops {

    static final String TENANT = "t";

    private Ops() {}

    /** A mutable operation under construction. */
    static final class Op {
        long id;
        String process = "p1";
        String session;
        OperationKind kind;
        String tenant = TENANT;
        String key;
        String region = "us-east";
        String value;
        long invokedAt;
        long completedAt;
        Outcome outcome = Outcome.OK;
        int status = 200;
        boolean problemJson;
        String eventId;
        String readValue;
        Map<String, Long> readContext = Map.of();
        List<String> readEventIds = List.of();
        Long expectedValue;

        Op process(String p) {
            process = p;
            return this;
        }

        Op session(String s) {
            session = s;
            return this;
        }

        Op region(String r) {
            region = r;
            return this;
        }

        Op value(String v) {
            value = v;
            return this;
        }

        Op at(long invoked, long completed) {
            invokedAt = invoked;
            completedAt = completed;
            return this;
        }

        Op outcome(Outcome o, int s) {
            outcome = o;
            status = s;
            return this;
        }

        Op problem() {
            problemJson = true;
            return this;
        }

        Op event(String e) {
            eventId = e;
            return this;
        }

        Op read(String v, Map<String, Long> context, String... siblings) {
            readValue = v;
            readContext = context;
            readEventIds = List.of(siblings);
            return this;
        }

        Op expected(long e) {
            expectedValue = e;
            value = Long.toString(e + 1);
            return this;
        }

        Operation build() {
            return new Operation(
                    id,
                    process,
                    session,
                    kind,
                    tenant,
                    key,
                    region,
                    value,
                    invokedAt,
                    completedAt,
                    outcome,
                    status,
                    problemJson,
                    problemJson ? "https://geokv.io/problems/test" : null,
                    eventId,
                    readValue,
                    readContext,
                    readEventIds,
                    expectedValue);
        }
    }

    static Op op(long id, OperationKind kind, String key) {
        Op op = new Op();
        op.id = id;
        op.kind = kind;
        op.key = key;
        return op;
    }

    static Op of(Operation o) {
        Op op = op(o.id(), o.kind(), o.key());
        op.process = o.process();
        op.session = o.session();
        op.tenant = o.tenant();
        op.region = o.region();
        op.value = o.value();
        op.invokedAt = o.invokedAtNanos();
        op.completedAt = o.completedAtNanos();
        op.outcome = o.outcome();
        op.status = o.status();
        op.problemJson = o.problemJson();
        op.eventId = o.eventId();
        op.readValue = o.readValue();
        op.readContext = o.readContext();
        op.readEventIds = o.readEventIds();
        op.expectedValue = o.expectedValue();
        return op;
    }

    static LoggedEvent event(
            String origin, long offset, String eventId, String key, Map<String, Long> context, String value) {
        return new LoggedEvent(origin, offset, eventId, TENANT, key, context, value, offset);
    }

    static FinalState state(String region, String key, String visibleValue, String... siblings) {
        return new FinalState(region, TENANT, key, List.of(siblings), visibleValue);
    }

    static History withOperations(History h, List<Operation> operations) {
        return new History(
                h.seed(),
                h.regions(),
                h.siblingsPerOrigin(),
                operations,
                h.faults(),
                h.log(),
                h.finalStates(),
                h.digests(),
                h.lastWriterWins());
    }

    /** {@code h} with operation {@code id} changed by {@code change}. */
    static History changeOperation(History h, long id, UnaryOperator<Op> change) {
        List<Operation> ops = new ArrayList<>();
        for (Operation o : h.operations()) {
            ops.add(o.id() == id ? change.apply(of(o)).build() : o);
        }
        return withOperations(h, ops);
    }

    static History addOperation(History h, Operation op) {
        List<Operation> ops = new ArrayList<>(h.operations());
        ops.add(op);
        return withOperations(h, ops);
    }

    static History withLog(History h, List<LoggedEvent> log) {
        return new History(
                h.seed(),
                h.regions(),
                h.siblingsPerOrigin(),
                h.operations(),
                h.faults(),
                log,
                h.finalStates(),
                h.digests(),
                h.lastWriterWins());
    }

    static History withFinalStates(History h, List<FinalState> states) {
        return new History(
                h.seed(),
                h.regions(),
                h.siblingsPerOrigin(),
                h.operations(),
                h.faults(),
                h.log(),
                states,
                h.digests(),
                h.lastWriterWins());
    }

    static History withDigests(History h, Map<String, String> digests) {
        return new History(
                h.seed(),
                h.regions(),
                h.siblingsPerOrigin(),
                h.operations(),
                h.faults(),
                h.log(),
                h.finalStates(),
                digests,
                h.lastWriterWins());
    }

    /** {@code h}'s final states with those of {@code key} in {@code region} replaced by {@code state}. */
    /**
     * The same history, but not declared last-writer-wins: for tests that change what a region shows
     * without changing its siblings, to look at one check alone.
     */
    static History withoutLastWriterWins(History h) {
        return new History(
                h.seed(),
                h.regions(),
                h.siblingsPerOrigin(),
                h.operations(),
                h.faults(),
                h.log(),
                h.finalStates(),
                h.digests(),
                false);
    }

    static History replaceFinalState(History h, FinalState state) {
        List<FinalState> states = new ArrayList<>();
        for (FinalState s : h.finalStates()) {
            boolean same = s.region().equals(state.region()) && s.keyRef().equals(state.keyRef());
            states.add(same ? state : s);
        }
        return withFinalStates(h, states);
    }
}
