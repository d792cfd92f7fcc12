package io.geokv.gateway.resolution;

import io.geokv.conflict.SiblingResolver;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which resolution policy applies to a key: the most specific matching rule, else the default. A
 * rule naming a tenant is more specific than one for every tenant; among those, the longest key
 * prefix wins. Resolution is a pure function of the key and its siblings, so every region answers the
 * same when every gateway has the same rules.
 */
public final class ResolutionRules {

    /**
     * @param tenant the tenant it applies to, or {@code null}/blank for every tenant
     * @param keyPrefix the keys it applies to, or {@code null}/empty for every key
     * @param policy the name of a registered resolver
     */
    public record Rule(String tenant, String keyPrefix, String policy) {

        public Rule {
            tenant = tenant == null || tenant.isBlank() ? null : tenant;
            keyPrefix = keyPrefix == null ? "" : keyPrefix;
            Objects.requireNonNull(policy, "policy");
        }

        boolean matches(String tenantName, String key) {
            return (tenant == null || tenant.equals(tenantName)) && key.startsWith(keyPrefix);
        }
    }

    private static final Comparator<Rule> MOST_SPECIFIC_FIRST = Comparator.comparing((Rule r) -> r.tenant() == null)
            .thenComparing(r -> -r.keyPrefix().length());

    private final Map<String, SiblingResolver> resolvers;
    private final String defaultPolicy;
    private final List<Rule> rules;

    /**
     * @throws IllegalArgumentException naming the known policies when a rule or the default names none of them
     */
    public ResolutionRules(Map<String, SiblingResolver> resolvers, String defaultPolicy, List<Rule> rules) {
        this.resolvers = Map.copyOf(resolvers);
        this.defaultPolicy = defaultPolicy;
        known(defaultPolicy);
        this.rules = rules.stream().sorted(MOST_SPECIFIC_FIRST).toList();
        this.rules.forEach(rule -> known(rule.policy()));
    }

    /** The name of the policy that applies to {@code key} of {@code tenant}. */
    public String policyFor(String tenant, String key) {
        return rules.stream()
                .filter(r -> r.matches(tenant, key))
                .findFirst()
                .map(Rule::policy)
                .orElse(defaultPolicy);
    }

    /** The resolver that applies to {@code key} of {@code tenant}. */
    public SiblingResolver resolverFor(String tenant, String key) {
        return resolvers.get(policyFor(tenant, key));
    }

    private void known(String policy) {
        if (!resolvers.containsKey(policy)) {
            Set<String> names = new TreeSet<>(resolvers.keySet());
            throw new IllegalArgumentException("unknown resolution policy '" + policy + "'; known: " + names);
        }
    }
}
