package io.geokv.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A read shows only writes that exist: every sibling event id an answered read reports is counted in
 * its key's log (not refused, not failed, not of another key), and the context the read returned
 * covers it, since a read's context is what its reader has seen. Likewise the value a read returned
 * is the value of a counted event of its key that its context covers.
 *
 * <p>Reads that did not record their siblings ({@code readEventIds} empty) are checked by value only.
 */
public final class ReadsSeeLoggedWrites implements HistoryCheck {

    @Override
    public List<Anomaly> check(History history, LogModel log) {
        List<Anomaly> anomalies = new ArrayList<>();
        for (Operation read : history.operations()) {
            if (!read.kind().isRead() || read.outcome() != Outcome.OK) {
                continue;
            }
            Optional<KeyModel> model = log.key(read.keyRef());
            if (read.readValue() != null
                    && model.stream()
                            .flatMap(m -> m.counted().stream())
                            .noneMatch(c -> read.readValue().equals(c.event().value())
                                    && Contexts.covers(read.readContext(), c.dot()))) {
                anomalies.add(Anomaly.of(
                        AnomalyType.PHANTOM_READ,
                        read,
                        "read value '" + read.readValue() + "' is not that of a counted event of " + read.keyRef()
                                + " covered by the read's context " + new TreeMap<>(read.readContext())));
                continue;
            }
            for (String eventId : read.readEventIds()) {
                Optional<Dot> dot = model.flatMap(m -> m.dotOf(eventId));
                if (dot.isEmpty()) {
                    anomalies.add(Anomaly.of(
                            AnomalyType.PHANTOM_READ,
                            read,
                            "read sibling " + eventId + " is not a counted event of " + read.keyRef()));
                    break;
                }
                if (!Contexts.covers(read.readContext(), dot.get())) {
                    anomalies.add(Anomaly.of(
                            AnomalyType.PHANTOM_READ,
                            read,
                            "read sibling " + eventId + " (dot " + dot.get() + ") is not covered by the read's context "
                                    + new TreeMap<>(read.readContext())));
                    break;
                }
            }
        }
        return anomalies;
    }
}
