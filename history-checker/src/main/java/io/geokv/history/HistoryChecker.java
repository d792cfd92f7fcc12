package io.geokv.history;

import java.util.ArrayList;
import java.util.List;

/** Runs every {@link HistoryCheck} over a history, sharing one {@link LogModel}. */
public final class HistoryChecker {

    /** The checks, in the order their anomalies are listed. */
    public static final List<HistoryCheck> CHECKS = List.of(
            new AcknowledgedWritesSurvive(),
            new FinalStatesMatchTheLog(),
            new VisibleValuesFollowTheLog(),
            new CountersAreExact(),
            new SessionGuarantees(),
            new StrongReadsSeeAcknowledgedWrites(),
            new ReadsSeeLoggedWrites(),
            new NoServerErrors());

    private HistoryChecker() {}

    /** Every violation found in {@code history}; empty if it satisfies all checks. */
    public static List<Anomaly> check(History history) {
        LogModel log = LogModel.of(history);
        List<Anomaly> anomalies = new ArrayList<>();
        for (HistoryCheck check : CHECKS) {
            anomalies.addAll(check.check(history, log));
        }
        return List.copyOf(anomalies);
    }
}
