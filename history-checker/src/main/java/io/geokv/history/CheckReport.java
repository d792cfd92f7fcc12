package io.geokv.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A summary of one checked history: how much it exercised and what was found.
 *
 * @param anomaliesByType anomaly label to count, only types that occurred
 * @param operationsByKindAndOutcome operation kind to outcome to count
 * @param faultsByKind fault kind to count
 */
public record CheckReport(
        long seed,
        int anomalyCount,
        Map<String, Long> anomaliesByType,
        Map<String, Map<String, Long>> operationsByKindAndOutcome,
        Map<String, Long> faultsByKind,
        List<Anomaly> anomalies) {

    /** Summarizes {@code history} and the anomalies {@link HistoryChecker#check} found in it. */
    public static CheckReport of(History history, List<Anomaly> anomalies) {
        Map<String, Long> byType = new TreeMap<>();
        anomalies.forEach(a -> byType.merge(a.type().label(), 1L, Long::sum));
        Map<String, Map<String, Long>> ops = new TreeMap<>();
        history.operations()
                .forEach(op -> ops.computeIfAbsent(op.kind().name(), k -> new TreeMap<>())
                        .merge(op.outcome().name(), 1L, Long::sum));
        Map<String, Long> faults = new TreeMap<>();
        history.faults().forEach(f -> faults.merge(f.kind(), 1L, Long::sum));
        return new CheckReport(history.seed(), anomalies.size(), byType, ops, faults, List.copyOf(anomalies));
    }

    /** Checks {@code history} and summarizes it. */
    public static CheckReport of(History history) {
        return of(history, HistoryChecker.check(history));
    }

    /** Whether no anomaly was found. */
    public boolean passed() {
        return anomalyCount == 0;
    }

    /** The report as indented JSON, keys sorted. */
    public String toJson() {
        try {
            return HistoryFiles.mapper().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a check report", e);
        }
    }
}
