package io.geokv.residency;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where each tenant's data may be stored (data residency): a resident tenant's events are folded,
 * stored, cached and mirrored only in its allowed regions; every other tenant's everywhere. One
 * policy shared by the gateway (routing, reads, waits, digests), replication (what a region folds)
 * and the mirror (what it copies into a region's cluster).
 *
 * <p>Invariants (checked by {@code ResidencyTest}): a tenant without residency is held by every
 * region; a resident tenant by its allowed regions only, never by none; every allowed region is a
 * configured region.
 */
public final class Residency {

    private static final Residency NONE = new Residency(Map.of());

    private final Map<String, List<String>> allowed;

    private Residency(Map<String, List<String>> allowed) {
        this.allowed = allowed;
    }

    /** Every tenant's data in every region. */
    public static Residency none() {
        return NONE;
    }

    /**
     * @param regions the deployment's regions
     * @param allowed the allowed regions of each resident tenant, in preference order
     * @throws IllegalArgumentException when a resident tenant has no region, or one that is not configured
     */
    public static Residency of(Collection<String> regions, Map<String, ? extends Collection<String>> allowed) {
        Map<String, List<String>> resolved = new LinkedHashMap<>();
        allowed.forEach((tenant, its) -> {
            List<String> distinct = its.stream().distinct().toList();
            if (distinct.isEmpty()) {
                throw new IllegalArgumentException("resident tenant '" + tenant + "' has no allowed region");
            }
            for (String region : distinct) {
                if (!regions.contains(region)) {
                    throw new IllegalArgumentException("resident tenant '" + tenant + "' is allowed in region '"
                            + region + "', which is not configured; regions: " + regions);
                }
            }
            resolved.put(tenant, distinct);
        });
        return new Residency(Map.copyOf(resolved));
    }

    /** Whether {@code tenant}'s data is kept to some regions. */
    public boolean isResident(String tenant) {
        return allowed.containsKey(tenant);
    }

    /** Whether {@code region} may hold {@code tenant}'s data. */
    public boolean holds(String region, String tenant) {
        List<String> its = allowed.get(tenant);
        return its == null || its.contains(region);
    }

    /**
     * The regions that hold {@code tenant}'s data, in preference order: its allowed regions, or
     * {@code every} for a tenant without residency.
     */
    public List<String> regionsOf(String tenant, List<String> every) {
        List<String> its = allowed.get(tenant);
        return its == null ? every : its;
    }

    /** The regions of {@code regions} that may hold {@code tenant}'s data, in the order given. */
    public List<String> holdersAmong(List<String> regions, String tenant) {
        List<String> its = allowed.get(tenant);
        return its == null ? regions : regions.stream().filter(its::contains).toList();
    }

    /**
     * Whether every one of {@code regions} may hold {@code tenant}'s data: the tenants whose rows
     * those regions compare when they check they have converged.
     */
    public boolean heldByAll(Collection<String> regions, String tenant) {
        List<String> its = allowed.get(tenant);
        return its == null || its.containsAll(regions);
    }

    /** The resident tenants {@code region} may not hold: what is withheld from it. */
    public Set<String> withheldFrom(String region) {
        return allowed.entrySet().stream()
                .filter(entry -> !entry.getValue().contains(region))
                .map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Every resident tenant and its allowed regions. */
    public Map<String, List<String>> residentTenants() {
        return allowed;
    }

    @Override
    public String toString() {
        return allowed.isEmpty() ? "no residency" : "residency " + allowed;
    }
}
