package io.geokv.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * In a history whose keys resolve with last-writer-wins, every region finally shows, for every key,
 * the value of the sibling last-writer-wins picks among the siblings the log implies (404 when that
 * is a delete or there is none): no cache may keep serving an older value once replication is done.
 */
public final class VisibleValuesFollowTheLog implements HistoryCheck {

    @Override
    public List<Anomaly> check(History history, LogModel log) {
        List<Anomaly> anomalies = new ArrayList<>();
        if (!history.lastWriterWins()) {
            return anomalies;
        }
        for (FinalState state : history.finalStates()) {
            Optional<CountedEvent> winner = log.key(state.keyRef()).flatMap(KeyModel::lastWriterWins);
            String expected = winner.map(w -> w.event().value()).orElse(null);
            if (!Objects.equals(expected, state.visibleValue())) {
                anomalies.add(Anomaly.of(
                        AnomalyType.STALE_VISIBLE_VALUE,
                        state.keyRef(),
                        null,
                        "region " + state.region() + " shows " + shown(state.visibleValue())
                                + " but last-writer-wins over the log's siblings shows " + shown(expected)
                                + winner.map(w -> " (event " + w.event().eventId() + ")")
                                        .orElse("")));
            }
        }
        return anomalies;
    }

    private static String shown(String value) {
        return value == null ? "nothing (404)" : "'" + value + "'";
    }
}
