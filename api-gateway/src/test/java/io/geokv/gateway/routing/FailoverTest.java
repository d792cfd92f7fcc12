package io.geokv.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.gateway.routing.Failover.Decision;
import io.geokv.gateway.routing.Failover.NoRegionAvailableException;
import io.geokv.gateway.routing.RegionRouter.Route;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FailoverTest {

    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");
    private final Failover failover = new Failover(
            REGIONS,
            Map.of(
                    "us-east", Map.of("eu-west", 80, "asia-pac", 180),
                    "eu-west", Map.of("asia-pac", 160)));

    private static Route to(String region) {
        return new Route(region, "header", REGIONS);
    }

    @Test
    void aHealthyRegionServesItsOwnRequests() {
        assertThat(failover.decide(to("asia-pac"), region -> true))
                .isEqualTo(new Decision("asia-pac", Optional.empty()));
    }

    @Test
    void anUnhealthyRegionFailsOverToTheNearestHealthyOne() {
        Decision decision = failover.decide(to("asia-pac"), region -> !region.equals("asia-pac"));
        assertThat(decision.region()).isEqualTo("eu-west");
        assertThat(decision.header()).contains("asia-pac->eu-west");
        assertThat(failover.decide(to("us-east"), Set.of("asia-pac")::contains).region())
                .isEqualTo("asia-pac");
    }

    @Test
    void latenciesCountBothWays() {
        assertThat(failover.latency("asia-pac", "us-east")).isEqualTo(180);
        assertThat(failover.latency("asia-pac", "mars")).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aResidentTenantNeverLeavesItsAllowedRegions() {
        Route resident = new Route("eu-west", "tenant bank pinned", List.of("eu-west"));
        assertThatThrownBy(() -> failover.decide(resident, region -> !region.equals("eu-west")))
                .isInstanceOf(NoRegionAvailableException.class)
                .hasMessageContaining("only be served from [eu-west]");
    }

    @Test
    void whenNoRegionAtAllIsHealthyTheRoutedRegionServesAsWellAsItCan() {
        assertThat(failover.decide(to("us-east"), region -> false))
                .isEqualTo(new Decision("us-east", Optional.empty()));
        Route resident = new Route("eu-west", "tenant bank pinned", List.of("eu-west"));
        assertThat(failover.decide(resident, region -> false).region()).isEqualTo("eu-west");
    }

    @Test
    void aRouteToARegionItMayNotUseMovesToTheNearestItMay() {
        // A credential limited to eu-west and asia-pac, geo-routed to us-east.
        Route limited = new Route("us-east", "default", List.of("eu-west", "asia-pac"));

        assertThat(failover.decide(limited, region -> true)).isEqualTo(new Decision("eu-west", Optional.of("us-east")));
        assertThat(failover.decide(limited, region -> !region.equals("eu-west")).region())
                .isEqualTo("asia-pac");
        assertThat(failover.decide(limited, region -> false).region()).isEqualTo("eu-west");
        assertThatThrownBy(() -> failover.decide(limited, "us-east"::equals))
                .isInstanceOf(NoRegionAvailableException.class);
    }
}
