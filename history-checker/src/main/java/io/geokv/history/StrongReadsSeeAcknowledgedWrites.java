package io.geokv.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A strong read merges every region's state, and a write is acknowledged only once it is durable in
 * the log, so an answered {@link OperationKind#STRONG_READ} returns a context covering the dot of
 * every acknowledged write of its key (by any process) that completed before the read was invoked.
 *
 * <p>Covering suffices: a superseded write is covered by its superseder's context, which the merged
 * state's context includes. Writes whose event is not counted in the log are left to {@link
 * AcknowledgedWritesSurvive}.
 */
public final class StrongReadsSeeAcknowledgedWrites implements HistoryCheck {

    @Override
    public List<Anomaly> check(History history, LogModel log) {
        Map<KeyRef, List<Operation>> writesByKey = new TreeMap<>();
        for (Operation op : history.operations()) {
            if (op.isAcknowledgedWrite() && op.eventId() != null) {
                writesByKey.computeIfAbsent(op.keyRef(), k -> new ArrayList<>()).add(op);
            }
        }
        List<Anomaly> anomalies = new ArrayList<>();
        for (Operation read : history.operations()) {
            if (!read.isAnsweredRead(OperationKind.STRONG_READ)) {
                continue;
            }
            Optional<KeyModel> model = log.key(read.keyRef());
            if (model.isEmpty()) {
                continue;
            }
            for (Operation write : writesByKey.getOrDefault(read.keyRef(), List.of())) {
                if (!write.precedes(read)) {
                    continue;
                }
                Optional<Dot> dot = model.get().dotOf(write.eventId());
                if (dot.isPresent() && !Contexts.covers(read.readContext(), dot.get())) {
                    anomalies.add(Anomaly.of(
                            AnomalyType.STALE_STRONG_READ,
                            read,
                            "strong read context " + new TreeMap<>(read.readContext()) + " misses write " + write.id()
                                    + " (dot " + dot.get() + ") acknowledged before it started"));
                    break;
                }
            }
        }
        return anomalies;
    }
}
