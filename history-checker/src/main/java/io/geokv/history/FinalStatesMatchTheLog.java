package io.geokv.history;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every region converged to what the log implies: each region's final state of a key holds exactly
 * the siblings {@link LogModel} derives, a region that reported any final state reports one for every
 * key with a counted event, and all regions' digests are equal (once any digest is recorded, every
 * region of the history must have one).
 */
public final class FinalStatesMatchTheLog implements HistoryCheck {

    @Override
    public List<Anomaly> check(History history, LogModel log) {
        List<Anomaly> anomalies = new ArrayList<>();
        Set<String> reportingRegions = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (FinalState state : history.finalStates()) {
            reportingRegions.add(state.region());
            seen.add(state.region() + "\u0000" + state.tenant() + "\u0000" + state.key());
            List<String> expected =
                    log.key(state.keyRef()).map(KeyModel::siblingEventIds).orElse(List.of());
            if (!expected.equals(state.siblingEventIds())) {
                anomalies.add(Anomaly.of(
                        AnomalyType.DIVERGED_STATE,
                        state.keyRef(),
                        null,
                        "region " + state.region() + " holds siblings " + state.siblingEventIds()
                                + " but the log implies " + expected));
            }
        }
        // A key missing from a region that did report states is as diverged as a wrong state.
        for (String region : reportingRegions) {
            for (KeyModel model : log.keys().values()) {
                KeyRef key = model.key();
                if (!model.counted().isEmpty()
                        && !seen.contains(region + "\u0000" + key.tenant() + "\u0000" + key.key())) {
                    anomalies.add(Anomaly.of(
                            AnomalyType.DIVERGED_STATE,
                            key,
                            null,
                            "region " + region + " has no state of the key but the log implies siblings "
                                    + model.siblingEventIds()));
                }
            }
        }
        Map<String, String> digests = history.digests();
        if (!digests.isEmpty()) {
            // Once digests are recorded, a region without one cannot be shown to have converged.
            for (String region : history.regions()) {
                if (!digests.containsKey(region)) {
                    anomalies.add(new Anomaly(
                            AnomalyType.DIGESTS_DIFFER, null, null, null, "region " + region + " reported no digest"));
                }
            }
        }
        if (digests.values().stream().distinct().count() > 1) {
            anomalies.add(new Anomaly(
                    AnomalyType.DIGESTS_DIFFER,
                    null,
                    null,
                    null,
                    "regions' digests differ: " + new TreeMap<>(digests)));
        }
        return anomalies;
    }
}
