package io.geokv.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrantTest {

    @Test
    void eachRoleIncludesTheOnesBelowIt() {
        assertThat(Grant.of("k", List.of("admin"), List.of("acme"), List.of()).roles())
                .containsExactlyInAnyOrder(Role.READER, Role.WRITER, Role.ADMIN);
        assertThat(Grant.of("k", List.of("writer"), List.of("acme"), List.of()).roles())
                .containsExactlyInAnyOrder(Role.READER, Role.WRITER);
        assertThat(Grant.of("k", List.of("reader"), List.of("acme"), List.of()).has(Role.WRITER))
                .isFalse();
        assertThatThrownBy(() -> Grant.of("k", List.of("root"), List.of("acme"), List.of()))
                .hasMessageContaining("unknown role 'root'");
    }

    @Test
    void aCredentialActsForItsTenantsOnlyAndItsFirstIsItsDefault() {
        Grant grant = Grant.of("k", List.of("reader"), List.of("acme", "globex"), List.of());

        assertThat(grant.tenant(null, "default")).isEqualTo("acme");
        assertThat(grant.tenant(" ", "default")).isEqualTo("acme");
        assertThat(grant.tenant("globex", "default")).isEqualTo("globex");
        assertThatThrownBy(() -> grant.tenant("initech", "default"))
                .isInstanceOf(AccessRefusedException.class)
                .hasMessageContaining("initech");
        assertThatThrownBy(() -> grant.tenant("default", "default")).isInstanceOf(AccessRefusedException.class);
    }

    @Test
    void everyTenantDefaultsToTheDeploymentsDefault() {
        Grant grant = Grant.of("k", List.of("admin"), List.of(Grant.ALL_TENANTS), List.of());

        assertThat(grant.tenant(null, "default")).isEqualTo("default");
        assertThat(grant.tenant("anyone", "default")).isEqualTo("anyone");
    }

    @Test
    void aGrantWithoutTenantsIsRefused() {
        assertThatThrownBy(() -> Grant.of("k", List.of("admin"), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void regionsLimitWhereTheCallerIsServed() {
        Grant everywhere = Grant.of("k", List.of("reader"), List.of("acme"), List.of());
        Grant europe = new Grant("k", Set.of(Role.READER), List.of("acme"), Set.of("eu-west"));

        assertThat(everywhere.mayUse("asia-pac")).isTrue();
        assertThat(europe.mayUse("asia-pac")).isFalse();
        assertThat(europe.usable(List.of("us-east", "eu-west", "asia-pac"))).containsExactly("eu-west");
    }
}
