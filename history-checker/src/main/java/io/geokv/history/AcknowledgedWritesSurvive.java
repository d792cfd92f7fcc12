package io.geokv.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * No acknowledged write is lost: every OK write or delete has its event counted in its key's log,
 * and its dot is a sibling or superseded by a counted event.
 *
 * <p>Superseded only through the per-origin cap is allowed: that is the documented {@code
 * max-siblings} rule. UNKNOWN and FAIL writes are not checked: an UNKNOWN write may or may not be
 * in the log (whether a FAIL write leaked into the log is left to {@link FinalStatesMatchTheLog}).
 */
public final class AcknowledgedWritesSurvive implements HistoryCheck {

    @Override
    public List<Anomaly> check(History history, LogModel log) {
        List<Anomaly> anomalies = new ArrayList<>();
        for (Operation op : history.operations()) {
            if (!op.isAcknowledgedWrite()) {
                continue;
            }
            if (op.eventId() == null) {
                anomalies.add(Anomaly.of(
                        AnomalyType.LOST_WRITE,
                        op,
                        "acknowledged " + op.kind() + " has no event id to find it in the log"));
                continue;
            }
            Optional<KeyModel> key = log.key(op.keyRef());
            List<EventFate> fates = key.map(k -> k.fatesOf(op.eventId())).orElse(List.of());
            if (fates.isEmpty()) {
                List<KeyRef> elsewhere = log.keys().values().stream()
                        .filter(k -> !k.fatesOf(op.eventId()).isEmpty())
                        .map(KeyModel::key)
                        .toList();
                anomalies.add(Anomaly.of(
                        AnomalyType.LOST_WRITE,
                        op,
                        "event " + op.eventId() + " is not in the log of " + op.keyRef()
                                + (elsewhere.isEmpty() ? "" : " but in that of " + elsewhere)));
            } else if (!fates.contains(EventFate.COUNTED)) {
                anomalies.add(Anomaly.of(
                        AnomalyType.REFUSED_ACKNOWLEDGED_WRITE,
                        op,
                        "event " + op.eventId() + " is in the log but never counted: " + fates));
            } else {
                // Every counted dot is by construction a sibling or covered; checked anyway so that
                // a change to the model cannot silently drop writes.
                KeyModel model = key.get();
                Dot dot = model.dotOf(op.eventId()).orElseThrow();
                boolean sibling =
                        model.siblings().stream().anyMatch(s -> s.dot().equals(dot));
                if (!sibling && !model.isCovered(dot)) {
                    anomalies.add(Anomaly.of(
                            AnomalyType.LOST_WRITE,
                            op,
                            "dot " + dot + " of event " + op.eventId() + " is neither a sibling nor superseded"));
                }
            }
        }
        return anomalies;
    }
}
