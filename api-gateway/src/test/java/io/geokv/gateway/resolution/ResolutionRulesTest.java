package io.geokv.gateway.resolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.conflict.JsonSetUnion;
import io.geokv.conflict.KeepSiblings;
import io.geokv.conflict.LastWriterWins;
import io.geokv.conflict.SiblingResolver;
import io.geokv.gateway.resolution.ResolutionRules.Rule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResolutionRulesTest {

    private static final Map<String, SiblingResolver> RESOLVERS =
            Map.of("lww", new LastWriterWins(), "siblings", new KeepSiblings(), "json-set-union", new JsonSetUnion());

    private final ResolutionRules rules = new ResolutionRules(
            RESOLVERS,
            "lww",
            List.of(
                    new Rule(null, "cart/", "json-set-union"),
                    new Rule("shop", "", "siblings"),
                    new Rule("shop", "cart/", "json-set-union"),
                    new Rule("", "cart/team/", "siblings")));

    @Test
    void keysNoRuleMatchesGetTheDefault() {
        assertThat(rules.policyFor("default", "profile/1")).isEqualTo("lww");
        assertThat(rules.resolverFor("default", "profile/1")).isInstanceOf(LastWriterWins.class);
    }

    @Test
    void theLongestMatchingPrefixWins() {
        assertThat(rules.policyFor("default", "cart/42")).isEqualTo("json-set-union");
        assertThat(rules.policyFor("default", "cart/team/7")).isEqualTo("siblings");
    }

    @Test
    void aRuleNamingTheTenantBeatsARuleForEveryTenant() {
        assertThat(rules.policyFor("shop", "profile/1")).isEqualTo("siblings");
        assertThat(rules.policyFor("shop", "cart/team/7")).isEqualTo("json-set-union");
    }

    @Test
    void anUnknownPolicyIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> new ResolutionRules(RESOLVERS, "lww", List.of(new Rule(null, "x/", "crdt"))))
                .hasMessageContaining("unknown resolution policy 'crdt'")
                .hasMessageContaining("[json-set-union, lww, siblings]");
        assertThatThrownBy(() -> new ResolutionRules(RESOLVERS, "newest", List.of()))
                .hasMessageContaining("'newest'");
    }
}
