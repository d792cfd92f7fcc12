package io.geokv.access;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one authenticated caller may do: its roles, the tenants it acts for and the regions it may
 * be served from. The same whether it came from an API key, a JWT or anonymous access.
 *
 * @param subject who the caller is, for logs (an API key's id, a JWT's subject)
 * @param roles the roles granted, with every role they include
 * @param tenants the tenants it acts for, in order: the first is its default; {@link #ALL_TENANTS}
 *     acts for every tenant, with the deployment's default tenant as its default
 * @param regions the regions it may be served from; empty means every region
 */
public record Grant(String subject, Set<Role> roles, List<String> tenants, Set<String> regions) {

    /** The tenant entry that stands for every tenant. */
    public static final String ALL_TENANTS = "*";

    public Grant {
        EnumSet<Role> included = EnumSet.noneOf(Role.class);
        roles.forEach(role -> included.addAll(role.withIncluded()));
        roles = Set.copyOf(included);
        tenants = List.copyOf(new LinkedHashSet<>(tenants));
        regions = Set.copyOf(regions);
        if (tenants.isEmpty()) {
            throw new IllegalArgumentException("a grant to " + subject + " names no tenant");
        }
    }

    /** A grant from configuration or claims: role names, tenant names and region names. */
    public static Grant of(
            String subject, Collection<String> roles, Collection<String> tenants, Collection<String> regions) {
        return new Grant(
                subject, Set.copyOf(roles.stream().map(Role::of).toList()), List.copyOf(tenants), Set.copyOf(regions));
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /**
     * The tenant a request acts for.
     *
     * @param requested the tenant the request names ({@code X-Tenant}), or null/blank for the default
     * @param deploymentDefault the deployment's default tenant
     * @throws AccessRefusedException when the caller may not act for the tenant it names
     */
    public String tenant(String requested, String deploymentDefault) {
        boolean everyTenant = tenants.contains(ALL_TENANTS);
        if (requested == null || requested.isBlank()) {
            return everyTenant ? deploymentDefault : tenants.get(0);
        }
        if (everyTenant || tenants.contains(requested)) {
            return requested;
        }
        throw new AccessRefusedException("this credential does not act for tenant '" + requested + "'");
    }

    /** Whether the caller may be served from {@code region}. */
    public boolean mayUse(String region) {
        return regions.isEmpty() || regions.contains(region);
    }

    /** The regions of {@code candidates} the caller may be served from, in their order. */
    public List<String> usable(List<String> candidates) {
        return candidates.stream().filter(this::mayUse).toList();
    }
}
