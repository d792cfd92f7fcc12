package io.geokv.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

import io.geokv.gateway.routing.RegionRouter.Route;
import io.geokv.gateway.routing.RegionRouter.UnknownRegionException;

class RegionRouterTest {

    private final RegionRouter router = new RegionRouter(List.of("us-east", "eu-west", "asia-pac"), "");

    @Test
    void theRegionHeaderWins() {
        assertThat(router.route("eu-west")).isEqualTo(new Route("eu-west", "header"));
    }

    @Test
    void seedStyleUpperCaseNamesAndSurroundingBlanksAreAccepted() {
        assertThat(router.route(" ASIA-PAC ")).isEqualTo(new Route("asia-pac", "header"));
    }

    @Test
    void withoutAHeaderTheFirstRegionIsTheDefault() {
        assertThat(router.route(null)).isEqualTo(new Route("us-east", "default"));
        assertThat(router.route("  ")).isEqualTo(new Route("us-east", "default"));
    }

    @Test
    void aConfiguredDefaultRegionIsUsed() {
        assertThat(new RegionRouter(List.of("us-east", "eu-west"), "eu-west").route(null).region()).isEqualTo("eu-west");
    }

    @Test
    void anUnknownRegionIsRefusedNamingTheValidOnes() {
        assertThatThrownBy(() -> router.route("mars"))
                .isInstanceOf(UnknownRegionException.class)
                .hasMessageContaining("mars")
                .hasMessageContaining("us-east, eu-west, asia-pac");
    }

    @Test
    void anUnknownDefaultRegionIsAConfigurationError() {
        assertThatThrownBy(() -> new RegionRouter(List.of("us-east"), "mars"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("default region");
    }

    @Test
    void replicasAreEveryOtherRegionInConfiguredOrder() {
        assertThat(router.othersThan("eu-west")).containsExactly("us-east", "asia-pac");
    }
}
