package io.geokv.history;

import java.util.ArrayList;
import java.util.List;

/**
 * geokv answers 5xx only for documented unavailability: a 503 or 504 {@code application/problem+json}
 * while a fault was injected. Any other 5xx, and any 5xx without a problem body, is an anomaly.
 *
 * <p>The fault may be in any region: a fault in one region legitimately delays strong and session
 * operations routed elsewhere.
 */
public final class NoServerErrors implements HistoryCheck {

    @Override
    public List<Anomaly> check(History history, LogModel log) {
        List<Anomaly> anomalies = new ArrayList<>();
        for (Operation op : history.operations()) {
            if (op.status() < 500) {
                continue;
            }
            if (!op.problemJson()) {
                anomalies.add(Anomaly.of(
                        AnomalyType.SERVER_ERROR, op, op.status() + " without an application/problem+json body"));
            } else if (op.status() != 503 && op.status() != 504) {
                anomalies.add(Anomaly.of(AnomalyType.SERVER_ERROR, op, op.status() + " problem " + op.problemType()));
            } else if (history.faults().stream()
                    .noneMatch(f -> f.overlaps(op.invokedAtNanos(), op.effectiveCompletedAtNanos()))) {
                anomalies.add(Anomaly.of(
                        AnomalyType.SERVER_ERROR,
                        op,
                        op.status() + " problem " + op.problemType() + " outside every fault window"));
            }
        }
        return anomalies;
    }
}
