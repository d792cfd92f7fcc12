package io.geokv.history;

import java.util.Map;
import java.util.TreeMap;

/**
 * Causal contexts as plain maps from region to counter; a missing region means 0. Kept as maps
 * (not a class of their own) because that is how the runner records them.
 */
public final class Contexts {

    private Contexts() {}

    /** The counter {@code context} holds for {@code region}, 0 if none. */
    public static long get(Map<String, Long> context, String region) {
        Long counter = context.get(region);
        return counter == null ? 0 : counter;
    }

    /** Whether a writer that had seen {@code context} had seen the event {@code dot}. */
    public static boolean covers(Map<String, Long> context, Dot dot) {
        return get(context, dot.origin()) >= dot.counter();
    }

    /** Whether {@code later} has seen everything {@code earlier} had (pointwise greater or equal). */
    public static boolean dominates(Map<String, Long> later, Map<String, Long> earlier) {
        for (Map.Entry<String, Long> e : earlier.entrySet()) {
            if (get(later, e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The pointwise maximum, into a new sorted map. */
    public static TreeMap<String, Long> join(Map<String, Long> a, Map<String, Long> b) {
        TreeMap<String, Long> joined = new TreeMap<>(a);
        b.forEach((region, counter) -> joined.merge(region, counter, Math::max));
        return joined;
    }
}
