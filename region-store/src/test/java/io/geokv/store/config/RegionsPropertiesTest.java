package io.geokv.store.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

class RegionsPropertiesTest {

    @Test
    void defaultsToThreeRegionsOnTheLocalServers() {
        RegionsProperties props = RegionsProperties.defaults();

        assertThat(props.names()).containsExactly("us-east", "eu-west", "asia-pac");
        assertThat(props.databasePrefix()).isEqualTo("geokv_");
        assertThat(props.redisFirstDatabase()).isEqualTo(1);
        assertThat(props.regions())
                .extracting(r -> r.postgres().database())
                .containsExactly("geokv_us_east", "geokv_eu_west", "geokv_asia_pac");
        assertThat(props.regions())
                .extracting(r -> r.redis().uri())
                .containsExactly("redis://127.0.0.1:6379/1", "redis://127.0.0.1:6379/2", "redis://127.0.0.1:6379/3");

        RegionProperties usEast = props.region("us-east");
        assertThat(usEast.postgres())
                .isEqualTo(new RegionProperties.Postgres("127.0.0.1", 5432, "geokv_us_east", "postgres", "", 8));
        assertThat(usEast.redis().ttl()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void derivesDatabasesAndRedisDatabasesFromPrefixAndIndex() {
        RegionsProperties props = new RegionsProperties(
                List.of(RegionProperties.named("a"), RegionProperties.named("b-c-2")), "geokv_test_", 5);

        assertThat(props.region("a").postgres().database()).isEqualTo("geokv_test_a");
        assertThat(props.region("b-c-2").postgres().database()).isEqualTo("geokv_test_b_c_2");
        assertThat(props.region("a").redis().uri()).isEqualTo("redis://127.0.0.1:6379/5");
        assertThat(props.region("b-c-2").redis().uri()).isEqualTo("redis://127.0.0.1:6379/6");
    }

    @Test
    void oneRegionIsEnough() {
        RegionsProperties props = RegionsProperties.of("solo");

        assertThat(props.names()).containsExactly("solo");
        assertThat(props.region("solo").postgres().database()).isEqualTo("geokv_solo");
        assertThat(props.region("solo").redis().uri()).isEqualTo("redis://127.0.0.1:6379/1");
    }

    @Test
    void keepsWhatIsConfiguredAndDefaultsOnlyTheRest() {
        RegionProperties given = new RegionProperties(
                "eu-west",
                new RegionProperties.Postgres("db.internal", 6543, null, "geokv", "secret", 0),
                new RegionProperties.Redis("redis://cache.internal:6380/0", null, null));

        RegionProperties resolved = new RegionsProperties(List.of(given), null, 0).region("eu-west");

        assertThat(resolved.postgres())
                .isEqualTo(new RegionProperties.Postgres("db.internal", 6543, "geokv_eu_west", "geokv", "secret", 8));
        assertThat(resolved.redis())
                .isEqualTo(new RegionProperties.Redis(
                        "redis://cache.internal:6380/0",
                        Duration.ofHours(1),
                        new RegionProperties.NearCache(DataSize.ofMegabytes(8), Duration.ofSeconds(10))));
        assertThat(resolved.postgres().toString()).doesNotContain("secret");
    }

    @Test
    void rejectsDuplicateNames() {
        assertThatThrownBy(() -> RegionsProperties.of("us-east", "eu-west", "us-east"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'us-east' is configured twice");
    }

    @Test
    void rejectsNamesThatCannotNameTopicsAndDatabases() {
        for (String bad : new String[] {"US-EAST", "us_east", "", "eu west", "é"}) {
            assertThatThrownBy(() -> RegionProperties.named(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[a-z0-9-]+");
        }
        assertThatThrownBy(() -> RegionProperties.named(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownRegionErrorNamesTheValidOnes() {
        assertThatThrownBy(() -> RegionsProperties.defaults().region("mars"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown region 'mars'; valid regions: us-east, eu-west, asia-pac");
    }

    @Test
    void bindsFromSpringPropertiesWithOnlyNames() {
        RegionsProperties props = bind(Map.of(
                "geokv.regions[0].name", "us-east",
                "geokv.regions[1].name", "eu-west",
                "geokv.database-prefix", "geokv_test_"));

        assertThat(props.names()).containsExactly("us-east", "eu-west");
        assertThat(props.region("eu-west").postgres().database()).isEqualTo("geokv_test_eu_west");
        assertThat(props.region("eu-west").postgres().port()).isEqualTo(5432);
        assertThat(props.region("eu-west").redis().uri()).isEqualTo("redis://127.0.0.1:6379/2");
    }

    @Test
    void bindsNestedSettings() {
        RegionsProperties props = bind(Map.of(
                "geokv.regions[0].name", "asia-pac",
                "geokv.regions[0].postgres.port", "6543",
                "geokv.regions[0].postgres.max-pool-size", "3",
                "geokv.regions[0].postgres.ssl-mode", "verify-full",
                "geokv.regions[0].postgres.ssl-root-cert", "/etc/geokv/ca.crt",
                "geokv.regions[0].redis.ttl", "5m",
                "geokv.regions[0].redis.trusted-certificates", "/etc/geokv/redis-ca.crt",
                "geokv.redis-first-database", "7"));

        RegionProperties region = props.region("asia-pac");
        assertThat(region.postgres().sslMode()).isEqualTo("verify-full");
        assertThat(region.postgres().sslRootCert()).isEqualTo("/etc/geokv/ca.crt");
        assertThat(region.redis().trustedCertificates()).isEqualTo("/etc/geokv/redis-ca.crt");
        assertThat(region.postgres().port()).isEqualTo(6543);
        assertThat(region.postgres().maxPoolSize()).isEqualTo(3);
        assertThat(region.postgres().database()).isEqualTo("geokv_asia_pac");
        assertThat(region.redis().ttl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(region.redis().uri()).isEqualTo("redis://127.0.0.1:6379/7");
    }

    @Test
    void bindsToTheDefaultsWhenNothingIsConfigured() {
        RegionsProperties props = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("geokv", Bindable.of(RegionsProperties.class));

        assertThat(props).isEqualTo(RegionsProperties.defaults());
    }

    @Test
    void bindingReportsAnInvalidRegion() {
        assertThatThrownBy(() -> bind(Map.of("geokv.regions[0].name", "Bad_Name")))
                .isInstanceOf(BindException.class)
                .hasRootCauseMessage(
                        "region name must match [a-z0-9-]+ and have at most 239 characters, but was 'Bad_Name'");
    }

    @Test
    void singleTopologyByDefault() {
        RegionsProperties props = RegionsProperties.defaults();

        assertThat(props.topology()).isEqualTo(RegionsProperties.Topology.SINGLE);
        assertThat(props.clusters().multi()).isFalse();
        assertThat(props.clusters().mirrored("us-east", "eu-west")).isFalse();
    }

    @Test
    void bindsTheMultiTopologyWithAClusterPerRegion() {
        RegionsProperties props = bind(Map.of(
                "geokv.topology", "multi",
                "geokv.regions[0].name", "us-east",
                "geokv.regions[0].kafka.bootstrap-servers", "kafka-us:9092",
                "geokv.regions[1].name", "eu-west",
                "geokv.regions[1].kafka.bootstrap-servers", "kafka-eu:9092"));

        assertThat(props.topology()).isEqualTo(RegionsProperties.Topology.MULTI);
        assertThat(props.clusters().bootstrapServersOf("eu-west")).isEqualTo("kafka-eu:9092");
        assertThat(props.clusters().mirrored("us-east", "eu-west")).isTrue();
        assertThat(props.clusters().mirrored("eu-west", "eu-west")).isFalse();
    }

    @Test
    void multiNeedsAClusterOfItsOwnForEveryRegion() {
        assertThatThrownBy(() -> new RegionsProperties(
                        List.of(
                                RegionProperties.named("us-east").withKafka("a:9092"),
                                RegionProperties.named("eu-west")),
                        null,
                        0,
                        RegionsProperties.Topology.MULTI))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region 'eu-west' has no Kafka cluster of its own");
        assertThatThrownBy(() -> new RegionsProperties(
                        List.of(
                                RegionProperties.named("us-east").withKafka("a:9092"),
                                RegionProperties.named("eu-west").withKafka("a:9092")),
                        null,
                        0,
                        RegionsProperties.Topology.MULTI))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("regions share Kafka bootstrap servers 'a:9092'");
    }

    @Test
    void singleRefusesAClusterPerRegionRatherThanIgnoringIt() {
        assertThatThrownBy(() -> bind(Map.of(
                        "geokv.regions[0].name", "us-east",
                        "geokv.regions[0].kafka.bootstrap-servers", "kafka-us:9092")))
                .isInstanceOf(BindException.class)
                .hasRootCauseMessage("region 'us-east' has Kafka bootstrap servers of its own, but geokv.topology is"
                        + " single: set geokv.topology=multi, or remove them to use spring.kafka.bootstrap-servers");
    }

    private static RegionsProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bind("geokv", Bindable.of(RegionsProperties.class))
                .get();
    }
}
