package io.geokv.gateway.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServingRegionsTest {

    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");

    @Test
    void theRoutedRegionComesFirstThenTheOthersInConfigurationOrder() {
        ServingRegions serving = new ServingRegions(REGIONS, region -> true);
        assertThat(serving.routedFirst("asia-pac")).containsExactly("asia-pac", "us-east", "eu-west");
        assertThat(serving.now()).containsExactlyElementsOf(REGIONS);
    }

    @Test
    void regionsThatDoNotServeAreLeftOutEvenWhenRouted() {
        Set<String> up = Set.of("us-east", "asia-pac");
        ServingRegions serving = new ServingRegions(REGIONS, up::contains);
        assertThat(serving.now()).containsExactly("us-east", "asia-pac");
        assertThat(serving.routedFirst("eu-west")).containsExactly("us-east", "asia-pac");
        assertThat(serving.routedFirst("asia-pac")).containsExactly("asia-pac", "us-east");
    }

    @Test
    void whenNoRegionServesEveryRegionCounts() {
        ServingRegions serving = new ServingRegions(REGIONS, region -> false);
        assertThat(serving.now()).containsExactlyElementsOf(REGIONS);
    }

    @Test
    void routedFirstOfAnyListKeepsTheRestInOrder() {
        assertThat(ServingRegions.routedFirst("eu-west", List.of("asia-pac", "eu-west", "us-east")))
                .containsExactly("eu-west", "asia-pac", "us-east");
        assertThat(ServingRegions.routedFirst("mars", List.of("asia-pac"))).containsExactly("asia-pac");
    }
}
