package io.geokv.gateway.kv;

import io.geokv.access.Grant;
import io.geokv.residency.Residency;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The regions healthy enough to serve a tenant, in the order a request prefers them: its routed
 * region first. Strong writes wait for these regions only (a region that is down cannot hold them
 * up); strong and session reads read only these, and of these only the ones their credential may be
 * served from. A resident tenant's are among its allowed regions only ({@link Residency}): the others
 * never hold its data.
 */
public final class ServingRegions {

    private final List<String> regions;
    private final Residency residency;
    private final Predicate<String> serving;

    /** @param serving whether a region serves now; asked on every call */
    public ServingRegions(List<String> regions, Residency residency, Predicate<String> serving) {
        this.regions = List.copyOf(regions);
        this.residency = residency;
        this.serving = serving;
    }

    /** Every region, serving or not. */
    public List<String> all() {
        return regions;
    }

    /**
     * The regions that hold {@code tenant}'s data and serve now, in configuration order. When none
     * serves, every region that holds it: a strong write never succeeds having been applied nowhere.
     */
    public List<String> now(String tenant) {
        return now(tenant, region -> true);
    }

    /**
     * {@link #now(String)} among the regions {@code caller} may be served from: a credential limited
     * to regions reads nothing from the others.
     */
    public List<String> now(String tenant, Grant caller) {
        return now(tenant, caller::mayUse);
    }

    /** {@link #now(String, Grant)}, {@code routed} first when it is one of them. */
    public List<String> routedFirst(String routed, String tenant, Grant caller) {
        return routedFirst(routed, now(tenant, caller));
    }

    private List<String> now(String tenant, Predicate<String> mayUse) {
        List<String> holding =
                residency.holdersAmong(regions, tenant).stream().filter(mayUse).toList();
        List<String> now = holding.stream().filter(serving).toList();
        return now.isEmpty() ? holding : now;
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
