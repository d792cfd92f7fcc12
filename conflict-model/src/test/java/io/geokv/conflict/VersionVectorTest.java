package io.geokv.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionVectorTest {

    private static VersionVector vv(Object... regionCounter) {
        Map<String, Long> m = new HashMap<>();
        for (int i = 0; i < regionCounter.length; i += 2) {
            m.put((String) regionCounter[i], ((Number) regionCounter[i + 1]).longValue());
        }
        return VersionVector.of(m);
    }

    @Test
    void absentRegionsCountZeroAndZeroEntriesAreNotStored() {
        VersionVector v = vv("us-east", 5, "eu-west", 2, "ap-south", 0);
        assertThat(v.get("us-east")).isEqualTo(5);
        assertThat(v.get("ap-south")).isZero();
        assertThat(v.get("nowhere")).isZero();
        assertThat(v.asMap()).containsOnlyKeys("eu-west", "us-east");
        assertThat(v).isEqualTo(vv("eu-west", 2, "us-east", 5));
        assertThat(v.hashCode()).isEqualTo(vv("eu-west", 2, "us-east", 5).hashCode());
        assertThat(v).hasToString("{eu-west=2, us-east=5}");
        assertThat(v.sum()).isEqualTo(7);
        assertThat(vv("a", 0)).isSameAs(VersionVector.empty());
        assertThat(VersionVector.empty().isEmpty()).isTrue();
        assertThat(VersionVector.empty()).hasToString("{}");
    }

    @Test
    void ofRejectsNegativeCountersAndBadRegions() {
        assertThatThrownBy(() -> vv("us-east", -1)).isInstanceOf(IllegalArgumentException.class);
        Map<String, Long> nullCounter = new HashMap<>();
        nullCounter.put("us-east", null);
        assertThatThrownBy(() -> VersionVector.of(nullCounter)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> vv(" ", 1)).isInstanceOf(IllegalArgumentException.class);
        Map<String, Long> nullRegion = new HashMap<>();
        nullRegion.put(null, 1L);
        assertThatThrownBy(() -> VersionVector.of(nullRegion)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void asMapIsUnmodifiableAndDoesNotAliasTheInput() {
        Map<String, Long> input = new HashMap<>(Map.of("a", 1L));
        VersionVector v = VersionVector.of(input);
        input.put("a", 9L);
        assertThat(v.get("a")).isEqualTo(1);
        assertThatThrownBy(() -> v.asMap().put("b", 2L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void coversDotsUpToItsCounter() {
        VersionVector v = vv("us-east", 3);
        assertThat(v.covers(new Dot("us-east", 1))).isTrue();
        assertThat(v.covers(new Dot("us-east", 3))).isTrue();
        assertThat(v.covers(new Dot("us-east", 4))).isFalse();
        assertThat(v.covers(new Dot("eu-west", 1))).isFalse();
    }

    @Test
    void joinIsPointwiseMax() {
        VersionVector a = vv("a", 3, "b", 1);
        VersionVector b = vv("b", 4, "c", 2);
        assertThat(a.join(b)).isEqualTo(vv("a", 3, "b", 4, "c", 2));
        assertThat(a.join(b)).isEqualTo(b.join(a));
        assertThat(a.join(VersionVector.empty())).isEqualTo(a);
        assertThat(a.join(a)).isEqualTo(a);
    }

    @Test
    void withAddsOneDot() {
        VersionVector v = vv("a", 2);
        assertThat(v.with(new Dot("a", 1))).isEqualTo(v);
        assertThat(v.with(new Dot("a", 3))).isEqualTo(vv("a", 3));
        assertThat(v.with(new Dot("b", 1))).isEqualTo(vv("a", 2, "b", 1));
    }

    @Test
    void compareDistinguishesAllFourRelations() {
        VersionVector base = vv("a", 1, "b", 1);
        assertThat(base.compare(vv("a", 1, "b", 1))).isEqualTo(Causality.EQUAL);
        assertThat(base.compare(vv("a", 2, "b", 1))).isEqualTo(Causality.BEFORE);
        assertThat(base.compare(vv("a", 1))).isEqualTo(Causality.AFTER);
        assertThat(base.compare(vv("a", 2))).isEqualTo(Causality.CONCURRENT);
        assertThat(VersionVector.empty().compare(base)).isEqualTo(Causality.BEFORE);
        assertThat(base.dominates(vv("a", 1))).isTrue();
        assertThat(vv("a", 1).dominates(base)).isFalse();
    }

    @Test
    void dotsValidateAndOrderByRegionThenCounter() {
        assertThatThrownBy(() -> new Dot("a", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Dot("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Dot(null, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Dot("a", 10)).isLessThan(new Dot("b", 1));
        assertThat(new Dot("a", 2)).isLessThan(new Dot("a", 10));
    }
}
