package io.geokv.gateway.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The regions healthy enough to serve, in the order a request prefers them: its routed region
 * first. Strong writes wait for these regions only (a region that is down cannot hold them up);
 * strong and session reads read only these.
 */
public final class ServingRegions {

    private final List<String> regions;
    private final Predicate<String> serving;

    /** @param serving whether a region serves now; asked on every call */
    public ServingRegions(List<String> regions, Predicate<String> serving) {
        this.regions = List.copyOf(regions);
        this.serving = serving;
    }

    /** Every region, serving or not. */
    public List<String> all() {
        return regions;
    }

    /**
     * The regions that serve now, in configuration order. When none serves, every region: a strong
     * write never succeeds having been applied nowhere.
     */
    public List<String> now() {
        List<String> now = regions.stream().filter(serving).toList();
        return now.isEmpty() ? regions : now;
    }

    /** {@link #now()}, {@code routed} first when it is one of them. */
    public List<String> routedFirst(String routed) {
        return routedFirst(routed, now());
    }

    /** {@code regions} with {@code routed} moved to the front when it is among them. */
    public static List<String> routedFirst(String routed, List<String> regions) {
        List<String> ordered = new ArrayList<>(regions);
        if (ordered.remove(routed)) {
            ordered.add(0, routed);
        }
        return List.copyOf(ordered);
    }
}
