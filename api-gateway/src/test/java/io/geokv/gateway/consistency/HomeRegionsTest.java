package io.geokv.gateway.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import io.geokv.residency.Residency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HomeRegionsTest {

    private static final List<String> THREE = List.of("us-east", "eu-west", "asia-pac");

    @Test
    void everyGatewayComputesTheSameHomeWhateverTheOrderOfItsRegionList() {
        HomeRegions a = new HomeRegions(THREE);
        HomeRegions b = new HomeRegions(List.of("asia-pac", "us-east", "eu-west"));
        for (int i = 0; i < 1000; i++) {
            assertThat(a.homeOf("t", "k" + i)).isEqualTo(b.homeOf("t", "k" + i));
        }
    }

    @Test
    void keysSpreadOverEveryRegion() {
        HomeRegions homes = new HomeRegions(THREE);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            counts.merge(homes.homeOf("tenant", "key-" + i), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys(THREE);
        assertThat(counts.values()).allSatisfy(count -> assertThat(count).isBetween(850, 1150));
    }

    @Test
    void aNewRegionOnlyTakesKeysItBecomesHomeOf() {
        HomeRegions before = new HomeRegions(THREE);
        HomeRegions after = new HomeRegions(List.of("us-east", "eu-west", "asia-pac", "sa-east"));
        for (int i = 0; i < 1000; i++) {
            String home = after.homeOf("t", "k" + i);
            assertThat(home).isIn("sa-east", before.homeOf("t", "k" + i));
        }
    }

    @Test
    void aResidentTenantsKeysHaveTheirHomesAmongItsRegions() {
        HomeRegions homes = new HomeRegions(THREE, Residency.of(THREE, Map.of("bank", List.of("eu-west", "asia-pac"))));
        for (int i = 0; i < 200; i++) {
            assertThat(homes.homeOf("bank", "k" + i)).isIn("eu-west", "asia-pac");
        }
        assertThat(IntStream.range(0, 200).mapToObj(i -> homes.homeOf("acme", "k" + i)))
                .as("other tenants' keys keep every region as a home")
                .contains("us-east", "eu-west", "asia-pac");
    }
}
