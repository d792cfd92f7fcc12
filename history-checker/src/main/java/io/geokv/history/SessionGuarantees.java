package io.geokv.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The session level's promises, per session and key:
 *
 * <ul>
 *   <li>read-your-writes: an answered {@link OperationKind#SESSION_READ} invoked after an
 *       acknowledged write of the same session completed returns a context covering that write's
 *       dot;
 *   <li>monotonic reads: an answered session read's context dominates the context of every answered
 *       session read of the same session that completed before it was invoked.
 * </ul>
 *
 * <p>Reads of the key by other sessions, and writes whose event is not counted in the log (reported
 * by {@link AcknowledgedWritesSurvive}), are not considered. An answered read without a recorded
 * context counts as having seen nothing: the runner must record the context of every answered read.
 */
public final class SessionGuarantees implements HistoryCheck {

    private record SessionKey(String session, KeyRef key) {}

    @Override
    public List<Anomaly> check(History history, LogModel log) {
        Map<SessionKey, List<Operation>> bySession =
                new TreeMap<>(Comparator.comparing(SessionKey::session).thenComparing(SessionKey::key));
        for (Operation op : history.operations()) {
            if (op.session() != null && (op.isAcknowledgedWrite() || op.isAnsweredRead(OperationKind.SESSION_READ))) {
                bySession
                        .computeIfAbsent(new SessionKey(op.session(), op.keyRef()), k -> new ArrayList<>())
                        .add(op);
            }
        }
        List<Anomaly> anomalies = new ArrayList<>();
        bySession.forEach((sk, ops) -> {
            Optional<KeyModel> model = log.key(sk.key());
            List<Operation> reads = ops.stream()
                    .filter(o -> o.kind() == OperationKind.SESSION_READ)
                    .sorted(Comparator.comparingLong(Operation::invokedAtNanos))
                    .toList();
            List<Operation> writes =
                    ops.stream().filter(Operation::isAcknowledgedWrite).toList();
            for (Operation read : reads) {
                readYourWrites(read, writes, model).ifPresent(anomalies::add);
                monotonic(read, reads).ifPresent(anomalies::add);
            }
        });
        return anomalies;
    }

    private static Optional<Anomaly> readYourWrites(Operation read, List<Operation> writes, Optional<KeyModel> model) {
        if (model.isEmpty()) {
            return Optional.empty();
        }
        for (Operation write : writes) {
            if (!write.precedes(read) || write.eventId() == null) {
                continue;
            }
            Optional<Dot> dot = model.get().dotOf(write.eventId());
            if (dot.isPresent() && !Contexts.covers(read.readContext(), dot.get())) {
                return Optional.of(Anomaly.of(
                        AnomalyType.READ_YOUR_WRITES,
                        read,
                        "session " + read.session() + " read context " + new TreeMap<>(read.readContext())
                                + " misses its own write " + write.id() + " (dot " + dot.get() + ")"));
            }
        }
        return Optional.empty();
    }

    private static Optional<Anomaly> monotonic(Operation read, List<Operation> reads) {
        for (Operation earlier : reads) {
            if (earlier.precedes(read) && !Contexts.dominates(read.readContext(), earlier.readContext())) {
                return Optional.of(Anomaly.of(
                        AnomalyType.MONOTONIC_READS,
                        read,
                        "session " + read.session() + " read context " + new TreeMap<>(read.readContext())
                                + " is older than that of its earlier read " + earlier.id() + ": "
                                + new TreeMap<>(earlier.readContext())));
            }
        }
        return Optional.empty();
    }
}
