package io.geokv.digest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DivergenceTest {

    @Test
    void aKeyFallsInTheSameBucketEverywhereAndKeysSpreadOverTheBuckets() {
        assertThat(KeyBuckets.of("acme", "cart")).isEqualTo(KeyBuckets.of("acme", "cart"));
        assertThat(KeyBuckets.of("ab", "c")).isNotEqualTo(KeyBuckets.of("a", "bc"));
        long used = java.util.stream.IntStream.range(0, 5_000)
                .map(i -> KeyBuckets.of("t", "k" + i))
                .distinct()
                .count();
        assertThat(used).isEqualTo(KeyBuckets.COUNT);
    }

    @Test
    void regionsHoldingTheSameStatesHaveEqualBucketsAndADifferentStateIsFoundByBucketThenKey() {
        List<KeyDigest> first = List.of(key("t", "a", "1"), key("t", "b", "2"), key("t", "c", "3"));
        List<KeyDigest> second = List.of(key("t", "a", "1"), key("t", "b", "changed"), key("t", "d", "4"));

        assertThat(Divergence.buckets(fingerprint(first), fingerprint(first))).isEmpty();
        List<Integer> buckets = Divergence.buckets(fingerprint(first), fingerprint(second));

        assertThat(buckets)
                .containsExactlyInAnyOrder(java.util.stream.Stream.of("b", "c", "d")
                        .map(k -> KeyBuckets.of("t", k))
                        .distinct()
                        .toArray(Integer[]::new));
        assertThat(Divergence.keys(first, second))
                .extracting(Divergence.KeyDifference::key)
                .containsExactly("b", "c", "d");
        assertThat(Divergence.keys(first, second).get(1).second())
                .as("c is held by the first region only")
                .isNull();
    }

    private static List<BucketDigests.Bucket> fingerprint(List<KeyDigest> keys) {
        BucketDigests digests = new BucketDigests();
        keys.forEach(digests::add);
        return digests.buckets();
    }

    private static KeyDigest key(String tenant, String key, String state) {
        return new KeyDigest(tenant, key, state.getBytes(StandardCharsets.UTF_8));
    }
}
