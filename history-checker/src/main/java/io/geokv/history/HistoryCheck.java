package io.geokv.history;

import java.util.List;

/** One property of a history; implementations are pure functions of their arguments. */
public interface HistoryCheck {

    /**
     * The violations of this property in {@code history}.
     *
     * @param log the merge rule applied to {@code history.log()}, shared by all checks
     */
    List<Anomaly> check(History history, LogModel log);
}
