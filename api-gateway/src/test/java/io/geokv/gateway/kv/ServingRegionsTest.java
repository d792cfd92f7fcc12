package io.geokv.gateway.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.geokv.access.Grant;
import io.geokv.residency.Residency;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServingRegionsTest {

    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");
    private static final Residency BANK_IN_EUROPE_AND_ASIA =
            Residency.of(REGIONS, Map.of("bank", List.of("asia-pac", "eu-west")));

    private static final Grant ANY_REGION = Grant.of("reader", List.of("reader"), List.of("*"), List.of());
    private static final Grant IN_EUROPE_AND_AMERICA =
            Grant.of("reader", List.of("reader"), List.of("*"), List.of("eu-west", "us-east"));

    private static ServingRegions serving(Set<String> up) {
        return new ServingRegions(REGIONS, BANK_IN_EUROPE_AND_ASIA, up::contains);
    }

    @Test
    void theRoutedRegionComesFirstThenTheOthersInConfigurationOrder() {
        ServingRegions serving = serving(Set.copyOf(REGIONS));
        assertThat(serving.routedFirst("asia-pac", "acme", ANY_REGION))
                .containsExactly("asia-pac", "us-east", "eu-west");
        assertThat(serving.now("acme")).containsExactlyElementsOf(REGIONS);
    }

    @Test
    void regionsThatDoNotServeAreLeftOutEvenWhenRouted() {
        ServingRegions serving = serving(Set.of("us-east", "asia-pac"));
        assertThat(serving.now("acme")).containsExactly("us-east", "asia-pac");
        assertThat(serving.routedFirst("eu-west", "acme", ANY_REGION)).containsExactly("us-east", "asia-pac");
        assertThat(serving.routedFirst("asia-pac", "acme", ANY_REGION)).containsExactly("asia-pac", "us-east");
    }

    @Test
    void whenNoRegionServesEveryRegionCounts() {
        assertThat(serving(Set.of()).now("acme")).containsExactlyElementsOf(REGIONS);
    }

    @Test
    void aResidentTenantIsServedOnlyByRegionsThatHoldItsData() {
        assertThat(serving(Set.copyOf(REGIONS)).now("bank")).containsExactly("eu-west", "asia-pac");
        assertThat(serving(Set.copyOf(REGIONS)).routedFirst("us-east", "bank", ANY_REGION))
                .containsExactly("eu-west", "asia-pac");
        assertThat(serving(Set.of("us-east", "asia-pac")).now("bank")).containsExactly("asia-pac");
        assertThat(serving(Set.of("us-east")).now("bank"))
                .as("none of its regions serves: they count all the same, never another region")
                .containsExactly("eu-west", "asia-pac");
    }

    @Test
    void aCredentialLimitedToRegionsIsServedByThoseOnly() {
        ServingRegions serving = serving(Set.copyOf(REGIONS));
        assertThat(serving.now("acme", IN_EUROPE_AND_AMERICA)).containsExactly("us-east", "eu-west");
        assertThat(serving.routedFirst("eu-west", "acme", IN_EUROPE_AND_AMERICA))
                .containsExactly("eu-west", "us-east");
        assertThat(serving.now("bank", IN_EUROPE_AND_AMERICA)).containsExactly("eu-west");
        assertThat(serving(Set.of("asia-pac")).now("acme", IN_EUROPE_AND_AMERICA))
                .as("none of its regions serves: they count all the same, never another region")
                .containsExactly("us-east", "eu-west");
    }

    @Test
    void routedFirstOfAnyListKeepsTheRestInOrder() {
        assertThat(ServingRegions.routedFirst("eu-west", List.of("asia-pac", "eu-west", "us-east")))
                .containsExactly("eu-west", "asia-pac", "us-east");
        assertThat(ServingRegions.routedFirst("mars", List.of("asia-pac"))).containsExactly("asia-pac");
    }
}
