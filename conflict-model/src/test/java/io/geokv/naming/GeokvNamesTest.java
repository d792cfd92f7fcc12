package io.geokv.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class GeokvNamesTest {

    private static final Pattern KAFKA_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final List<Function<String, String>> REGION_NAMES = List.of(
            GeokvNames::eventTopic,
            GeokvNames::streamsApplicationId,
            region -> GeokvNames.connectionName(region, "reader"));

    @Test
    void theDefaultNamesAreTheDocumentedOnes() {
        assertThat(GeokvNames.eventTopic("eu-west")).isEqualTo("kv-events.eu-west");
        assertThat(GeokvNames.streamsApplicationId("eu-west")).isEqualTo("geokv-eu-west");
        assertThat(GeokvNames.connectionName("eu-west", "")).isEqualTo("geokv-eu-west");
        assertThat(GeokvNames.DEFAULT_REGIONS).containsExactly("us-east", "eu-west", "asia-pac");
        assertThat(GeokvNames.database("geokv_", "eu-west")).isEqualTo("geokv_eu_west");
    }

    @Test
    void otherTopicsHaveNoRegion() {
        assertThat(GeokvNames.regionOfEventTopic("kv-events.")).isEmpty();
        assertThat(GeokvNames.regionOfEventTopic(GeokvNames.DEAD_LETTER_TOPIC)).isEmpty();
        assertThat(GeokvNames.regionOfEventTopic("kv-materialized.us-east")).isEmpty();
        assertThat(GeokvNames.regionOfEventTopic("other.kv-events.us-east")).isEmpty();
        assertThat(GeokvNames.regionOfEventTopic(null)).isEmpty();
    }

    @Test
    void aRegionNameMustFitInEveryName() {
        assertThatThrownBy(() -> GeokvNames.eventTopic(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GeokvNames.eventTopic("us east"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("region name must match [a-z0-9-]+ and have at most 239 characters, but was 'us east'");
        assertThatThrownBy(() -> GeokvNames.eventTopic("a.b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GeokvNames.eventTopic("r".repeat(240))).isInstanceOf(IllegalArgumentException.class);
        assertThat(GeokvNames.eventTopic("r".repeat(239))).hasSize(249);
    }

    @Property
    void regionOfEventTopicInvertsEventTopic(@ForAll("regions") String region) {
        assertThat(GeokvNames.regionOfEventTopic(GeokvNames.eventTopic(region))).contains(region);
    }

    @Property
    void everyNameIsALegalTopicNameAndNoRegionSharesAnotherRegionsName(
            @ForAll("regions") String a, @ForAll("regions") String b) {
        for (Function<String, String> name : REGION_NAMES) {
            assertThat(name.apply(a)).matches(KAFKA_TOPIC);
            if (!a.equals(b)) {
                assertThat(name.apply(a)).isNotEqualTo(name.apply(b));
            }
        }
        if (!a.equals(b) && GeokvNames.distinguishable(List.of(a, b))) {
            assertThat(GeokvNames.connectionName(a, "reader"))
                    .as("a connection of %s is not one of %s", a, b)
                    .doesNotStartWith(GeokvNames.connectionName(b, "") + "-");
        }
    }

    @Test
    void regionsWhoseNamesWouldMixAreRefused() {
        assertThatThrownBy(() -> GeokvNames.requireDistinguishable(List.of("us", "eu", "us-east")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'us' and 'us-east'");
        GeokvNames.requireDistinguishable(GeokvNames.DEFAULT_REGIONS);
    }

    @Provide
    Arbitrary<String> regions() {
        return Arbitraries.strings().withChars("abcz09-").ofMinLength(1).ofMaxLength(12);
    }
}
