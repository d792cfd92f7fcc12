package io.geokv.residency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResidencyTest {

    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");
    private static final Residency RESIDENCY =
            Residency.of(REGIONS, Map.of("bank", List.of("eu-west"), "globex", List.of("asia-pac", "eu-west")));

    @Test
    void aTenantWithoutResidencyIsHeldByEveryRegion() {
        for (String region : REGIONS) {
            assertThat(RESIDENCY.holds(region, "acme")).isTrue();
            assertThat(Residency.none().holds(region, "bank")).isTrue();
        }
        assertThat(RESIDENCY.isResident("acme")).isFalse();
        assertThat(RESIDENCY.regionsOf("acme", REGIONS)).isEqualTo(REGIONS);
        assertThat(RESIDENCY.heldByAll(REGIONS, "acme")).isTrue();
    }

    @Test
    void aResidentTenantIsHeldByItsAllowedRegionsOnlyInPreferenceOrder() {
        assertThat(RESIDENCY.holds("eu-west", "bank")).isTrue();
        assertThat(RESIDENCY.holds("us-east", "bank")).isFalse();
        assertThat(RESIDENCY.regionsOf("globex", REGIONS)).containsExactly("asia-pac", "eu-west");
        assertThat(RESIDENCY.heldByAll(List.of("asia-pac", "eu-west"), "globex"))
                .isTrue();
        assertThat(RESIDENCY.heldByAll(List.of("us-east", "eu-west"), "globex")).isFalse();
        assertThat(RESIDENCY.holdersAmong(REGIONS, "globex"))
                .as("in the order given, not the tenant's")
                .containsExactly("eu-west", "asia-pac");
        assertThat(RESIDENCY.holdersAmong(REGIONS, "acme")).isEqualTo(REGIONS);
    }

    @Test
    void eachRegionIsWithheldExactlyTheTenantsItMayNotHold() {
        assertThat(RESIDENCY.withheldFrom("us-east")).containsExactlyInAnyOrder("bank", "globex");
        assertThat(RESIDENCY.withheldFrom("eu-west")).isEmpty();
        assertThat(RESIDENCY.withheldFrom("asia-pac")).containsExactly("bank");
    }

    @Test
    void aResidentTenantWithNoRegionOrAnUnknownOneIsRefused() {
        assertThatThrownBy(() -> Residency.of(REGIONS, Map.of("bank", List.of())))
                .hasMessageContaining("no allowed region");
        assertThatThrownBy(() -> Residency.of(REGIONS, Map.of("bank", List.of("mars"))))
                .hasMessageContaining("'mars'")
                .hasMessageContaining("not configured");
    }
}
