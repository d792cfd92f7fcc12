package io.geokv.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.gateway.routing.RegionRouter.Request;
import io.geokv.gateway.routing.RegionRouter.Route;
import io.geokv.gateway.routing.RegionRouter.UnknownRegionException;
import io.geokv.residency.Residency;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegionRouterTest {

    private static final List<String> REGIONS = List.of("us-east", "eu-west", "asia-pac");
    private static final Map<Continent, String> CONTINENTS = Map.of(
            Continent.AMERICAS,
            "us-east",
            Continent.EUROPE,
            "eu-west",
            Continent.AFRICA,
            "eu-west",
            Continent.ASIA,
            "asia-pac",
            Continent.OCEANIA,
            "asia-pac");

    private final RegionRouter router = new RegionRouter(
            REGIONS,
            "",
            "default",
            Map.of("acme", "asia-pac", "bank", "eu-west"),
            Residency.of(REGIONS, Map.of("bank", List.of("eu-west"), "globex", List.of("asia-pac", "eu-west"))),
            CONTINENTS,
            Map.of("10.0.0.0/8", "eu-west", "10.20.0.0/16", "asia-pac", "2001:db8::/32", "asia-pac"));

    private Route route(String regionHeader, String tenant, Map<String, String> countries, String client) {
        return router.route(new Request(regionHeader, tenant, countries, client));
    }

    private Route fromCountry(String header, String value) {
        return route(null, null, Map.of(header, value), null);
    }

    // ---------------------------------------------------------------- each rule

    @Test
    void theRegionHeaderWinsOverEverythingWhateverItsCase() {
        Route route = route(" EU-WEST ", "acme", Map.of("CF-IPCountry", "JP"), "10.20.1.1");
        assertThat(route.region()).isEqualTo("eu-west");
        assertThat(route.reason()).isEqualTo("header");
        assertThat(route.allowed()).isEqualTo(REGIONS);
    }

    @Test
    void aPinnedTenantGoesToItsRegionBeforeCountryAndAddress() {
        assertThat(route(null, "acme", Map.of("CF-IPCountry", "US"), "10.0.0.1"))
                .isEqualTo(new Route("asia-pac", "tenant acme pinned", REGIONS));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "CF-IPCountry",
                "CloudFront-Viewer-Country",
                "X-Vercel-IP-Country",
                "X-Geo-Country",
                "cf-ipcountry",
                "X-GEO-COUNTRY"
            })
    void everyCountryHeaderRoutesByContinent(String header) {
        assertThat(fromCountry(header, "FR").region()).isEqualTo("eu-west");
        assertThat(fromCountry(header, "br").region()).isEqualTo("us-east");
        assertThat(fromCountry(header, "JP").region()).isEqualTo("asia-pac");
        assertThat(fromCountry(header, "NG").region()).isEqualTo("eu-west");
        assertThat(fromCountry(header, "AU").region()).isEqualTo("asia-pac");
    }

    @Test
    void theReasonNamesTheHeaderTheCountryAndTheContinent() {
        assertThat(fromCountry("CloudFront-Viewer-Country", "de").reason())
                .isEqualTo("country CloudFront-Viewer-Country=DE (europe)");
    }

    @Test
    void countryHeadersAreReadInTheirDocumentedOrder() {
        Route route = route(null, null, Map.of("X-Geo-Country", "JP", "CF-IPCountry", "CA"), null);
        assertThat(route.region()).isEqualTo("us-east");
    }

    @Test
    void everyCountryOfTheIsoListHasAContinent() {
        for (String code : java.util.Locale.getISOCountries()) {
            if (!code.equals("AN") && !code.equals("CS")) {
                assertThat(Continent.ofCountry(code)).as(code).isPresent();
            }
        }
    }

    @Test
    void ipv4ClientRangesRouteTheMostSpecificMatch() {
        assertThat(route(null, null, Map.of(), "10.1.2.3").region()).isEqualTo("eu-west");
        assertThat(route(null, null, Map.of(), "10.20.2.3"))
                .isEqualTo(new Route("asia-pac", "client range 10.20.0.0/16", REGIONS));
    }

    @Test
    void ipv6ClientRangesMatchAndIpv4MappedClientsMatchIpv4Ranges() {
        assertThat(route(null, null, Map.of(), "2001:db8:1::7").region()).isEqualTo("asia-pac");
        assertThat(route(null, null, Map.of(), "::ffff:10.1.2.3").region()).isEqualTo("eu-west");
        assertThat(route(null, null, Map.of(), "2001:db9::1").reason()).isEqualTo("default");
    }

    @Test
    void withoutAnyHintTheFirstRegionIsTheDefault() {
        assertThat(route(null, null, Map.of(), null)).isEqualTo(new Route("us-east", "default", REGIONS));
        assertThat(new RegionRouter(REGIONS, "eu-west")
                        .route(Request.forRegion(" "))
                        .region())
                .isEqualTo("eu-west");
    }

    // ---------------------------------------------------------------- junk is ignored, never an error

    @ParameterizedTest
    @ValueSource(strings = {"XX", "T1", "EU", "ZZ", "A1", "", " ", "FRA", "F", "1A", "fr,de", "\u00e9\u00e9", "QQ"})
    void unknownOrMalformedCountriesAreIgnored(String value) {
        assertThat(fromCountry("CF-IPCountry", value).reason()).isEqualTo("default");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-an-ip", "10.0.0.0/8", "999.1.1.1", "10.1.2.3:8080", "", "example.com", "::g"})
    void malformedClientAddressesAreIgnored(String address) {
        assertThat(route(null, null, Map.of(), address).reason()).isEqualTo("default");
    }

    @Test
    void aMalformedCountryFallsThroughToTheNextRule() {
        assertThat(route(null, null, Map.of("CF-IPCountry", "XX", "X-Geo-Country", "IN"), "10.1.1.1")
                        .region())
                .isEqualTo("asia-pac");
        assertThat(route(null, null, Map.of("CF-IPCountry", "XX"), "10.1.1.1").reason())
                .isEqualTo("client range 10.0.0.0/8");
    }

    // ---------------------------------------------------------------- residency and bad configuration

    @Test
    void aResidentTenantMayOnlyBeServedFromItsAllowedRegions() {
        assertThat(route(null, "bank", Map.of("CF-IPCountry", "US"), null))
                .isEqualTo(new Route("eu-west", "tenant bank pinned", List.of("eu-west")));
        assertThatThrownBy(() -> route("us-east", "bank", Map.of(), null))
                .isInstanceOf(UnknownRegionException.class)
                .hasMessageContaining("data residency");
    }

    @Test
    void aResidentTenantWithoutAPinIsLocatedWithinItsRegionsOrServedFromTheFirst() {
        assertThat(route(null, "globex", Map.of("CF-IPCountry", "FR"), null).region())
                .isEqualTo("eu-west");
        assertThat(route(null, "globex", Map.of("CF-IPCountry", "US"), null))
                .isEqualTo(new Route(
                        "asia-pac", "tenant globex resident in asia-pac, eu-west", List.of("asia-pac", "eu-west")));
    }

    @Test
    void aPinOutsideTheTenantsRegionsIsRefused() {
        assertThatThrownBy(() -> new RegionRouter(
                        REGIONS,
                        "",
                        "default",
                        Map.of("bank", "us-east"),
                        Residency.of(REGIONS, Map.of("bank", List.of("eu-west"))),
                        Map.of(),
                        Map.of()))
                .hasMessageContaining("outside the regions its data may be in");
    }

    @Test
    void anUnknownRegionHeaderIsRefusedNamingTheValidOnes() {
        assertThatThrownBy(() -> router.route(Request.forRegion("mars")))
                .isInstanceOf(UnknownRegionException.class)
                .hasMessageContaining("mars")
                .hasMessageContaining("us-east, eu-west, asia-pac");
    }

    @Test
    void configurationNamingUnknownRegionsOrBadRangesIsRefused() {
        assertThatThrownBy(() -> new RegionRouter(REGIONS, "mars")).hasMessageContaining("default region");
        assertThatThrownBy(() -> new RegionRouter(
                        REGIONS, "", "default", Map.of("t", "mars"), Residency.none(), Map.of(), Map.of()))
                .hasMessageContaining("pin of tenant t");
        assertThatThrownBy(() -> new RegionRouter(
                        REGIONS, "", "default", Map.of(), Residency.none(), Map.of(Continent.ASIA, "moon"), Map.of()))
                .hasMessageContaining("continent asia");
        assertThatThrownBy(() -> new RegionRouter(
                        REGIONS, "", "default", Map.of(), Residency.none(), Map.of(), Map.of("10.0.0.0/33", "us-east")))
                .hasMessageContaining("10.0.0.0/33");
    }

    @Test
    void replicasAreEveryOtherRegionThatHoldsTheTenantInConfiguredOrder() {
        assertThat(router.replicasBesides("eu-west", "acme")).containsExactly("us-east", "asia-pac");
        assertThat(router.replicasBesides("eu-west", "bank")).isEmpty();
        assertThat(router.replicasBesides("eu-west", "globex")).containsExactly("asia-pac");
    }
}
