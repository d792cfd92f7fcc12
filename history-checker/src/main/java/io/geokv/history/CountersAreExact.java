package io.geokv.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Conditional strong writes serialize increments: for a counter key (one acknowledged initial blind
 * or context write of a number, every other write a {@link OperationKind#CAS_INCREMENT}) the final
 * value is the initial value plus the acknowledged increments, plus at most the increments whose
 * outcome is unknown; and no two acknowledged increments wrote the same value, which would mean two
 * writes with the same {@code If-Match} both succeeded.
 *
 * <p>Keys with any other mix of writes are not counters and are skipped.
 */
public final class CountersAreExact implements HistoryCheck {

    @Override
    public List<Anomaly> check(History history, LogModel log) {
        Map<KeyRef, List<Operation>> writesByKey = new TreeMap<>();
        for (Operation op : history.operations()) {
            if (op.kind().isWrite()) {
                writesByKey.computeIfAbsent(op.keyRef(), k -> new ArrayList<>()).add(op);
            }
        }
        Map<KeyRef, List<FinalState>> statesByKey = new HashMap<>();
        for (FinalState s : history.finalStates()) {
            statesByKey.computeIfAbsent(s.keyRef(), k -> new ArrayList<>()).add(s);
        }
        List<Anomaly> anomalies = new ArrayList<>();
        writesByKey.forEach((key, writes) -> initialValue(writes)
                .ifPresent(initial -> anomalies.addAll(
                        checkCounter(key, initial, writes, statesByKey.getOrDefault(key, List.of()), log.key(key)))));
        return anomalies;
    }

    /** The initial value if {@code writes} are those of a counter key, else empty. */
    static Optional<Long> initialValue(List<Operation> writes) {
        List<Operation> others = writes.stream()
                .filter(w -> w.kind() != OperationKind.CAS_INCREMENT)
                .toList();
        boolean hasIncrements = others.size() < writes.size();
        if (!hasIncrements || others.size() != 1) {
            return Optional.empty();
        }
        Operation initial = others.get(0);
        if (initial.outcome() != Outcome.OK
                || (initial.kind() != OperationKind.BLIND_WRITE && initial.kind() != OperationKind.CONTEXT_WRITE)) {
            return Optional.empty();
        }
        return parse(initial.value());
    }

    private static List<Anomaly> checkCounter(
            KeyRef key, long initial, List<Operation> writes, List<FinalState> states, Optional<KeyModel> model) {
        List<Anomaly> anomalies = new ArrayList<>();
        long acknowledged = 0;
        long unknown = 0;
        Map<Long, Operation> byWrittenValue = new LinkedHashMap<>();
        for (Operation w : writes) {
            if (w.kind() != OperationKind.CAS_INCREMENT) {
                continue;
            }
            if (w.outcome() == Outcome.UNKNOWN) {
                unknown++;
            }
            if (w.outcome() != Outcome.OK) {
                continue;
            }
            acknowledged++;
            Optional<Long> written = w.expectedValue() != null ? Optional.of(w.expectedValue() + 1) : parse(w.value());
            if (written.isEmpty()) {
                continue;
            }
            Operation earlier = byWrittenValue.putIfAbsent(written.get(), w);
            if (earlier != null) {
                anomalies.add(Anomaly.of(
                        AnomalyType.DUPLICATE_INCREMENT,
                        w,
                        "operations " + earlier.id() + " and " + w.id() + " both succeeded writing " + written.get()
                                + ": two conditional writes with the same If-Match"));
            }
        }
        long lowest = initial + acknowledged;
        long highest = lowest + unknown;
        for (Map.Entry<String, String> observed : finalValues(states, model).entrySet()) {
            Optional<Long> value = parse(observed.getValue());
            String where = observed.getKey();
            if (value.isEmpty() || value.get() < lowest) {
                anomalies.add(Anomaly.of(
                        AnomalyType.LOST_INCREMENT,
                        key,
                        null,
                        where + " shows " + observed.getValue() + " but initial " + initial + " plus " + acknowledged
                                + " acknowledged increments is " + lowest));
            } else if (value.get() > highest) {
                anomalies.add(Anomaly.of(
                        AnomalyType.PHANTOM_INCREMENT,
                        key,
                        null,
                        where + " shows " + value.get() + " but at most " + highest + " (initial " + initial + ", "
                                + acknowledged + " acknowledged and " + unknown + " unknown increments)"));
            }
        }
        return anomalies;
    }

    /**
     * Where the counter's final value was seen, and what it was: each region's visible value, or,
     * without final states, the log's single sibling. Several siblings mean concurrent increments,
     * reported as an unreadable value.
     */
    private static Map<String, String> finalValues(List<FinalState> states, Optional<KeyModel> model) {
        Map<String, String> values = new TreeMap<>();
        if (!states.isEmpty()) {
            states.forEach(s -> values.put("region " + s.region(), s.visibleValue()));
        } else if (model.isPresent()) {
            List<CountedEvent> siblings = model.get().siblings();
            values.put(
                    "the log (" + siblings.size() + " siblings)",
                    siblings.size() == 1 ? siblings.get(0).event().value() : null);
        }
        return values;
    }

    private static Optional<Long> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
