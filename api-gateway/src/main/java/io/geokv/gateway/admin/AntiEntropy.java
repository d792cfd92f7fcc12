package io.geokv.gateway.admin;

import io.geokv.digest.BucketDigests;
import io.geokv.digest.Divergence;
import io.geokv.digest.KeyDigest;
import io.geokv.position.LogPositions;
import io.geokv.residency.Residency;
import io.geokv.store.RegionStores;
import io.geokv.store.postgres.StateReader.AsApplied;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Locates where two regions' merged states differ: each region's per-bucket digests first, then the
 * keys of the buckets that differ, with what each region had applied when it was read, so that a
 * region still catching up can be told from one that diverged (a key that differs while both have
 * applied the same positions is a divergence). Each comparison scans both regions' tables, and
 * covers only the tenants both regions hold ({@link Residency}).
 */
final class AntiEntropy {

    /** A region's bucket digests and the positions it had applied when they were taken. */
    record RegionBuckets(String region, LogPositions applied, List<BucketDigests.Bucket> buckets) {}

    /**
     * @param buckets the buckets whose digests differ
     * @param keys the keys of those buckets the two regions hold differently
     * @param firstApplied what the first region had applied when its keys were read
     */
    record Comparison(
            String first,
            String second,
            List<Integer> buckets,
            List<Divergence.KeyDifference> keys,
            LogPositions firstApplied,
            LogPositions secondApplied) {}

    private final RegionStores stores;
    private final Residency residency;

    AntiEntropy(RegionStores stores, Residency residency) {
        this.stores = stores;
        this.residency = residency;
    }

    /** A region's bucket digests over the tenants every region holds (data residency keeps some out). */
    Mono<RegionBuckets> buckets(String region) {
        return buckets(region, stores.names());
    }

    /** A region's bucket digests over the tenants every one of {@code comparedWith} holds. */
    private Mono<RegionBuckets> buckets(String region, List<String> comparedWith) {
        return stores.get(region)
                .reader()
                .foldKeyDigests(
                        tenant -> residency.heldByAll(comparedWith, tenant), BucketDigests::new, BucketDigests::add)
                .map(scan ->
                        new RegionBuckets(region, scan.applied(), scan.value().buckets()));
    }

    /** Compares the keys of the tenants both regions hold. */
    Mono<Comparison> compare(String first, String second) {
        List<String> pair = List.of(first, second);
        return Mono.zip(buckets(first, pair), buckets(second, pair)).flatMap(both -> {
            List<Integer> differing =
                    Divergence.buckets(both.getT1().buckets(), both.getT2().buckets());
            if (differing.isEmpty()) {
                return Mono.just(new Comparison(
                        first,
                        second,
                        differing,
                        List.of(),
                        both.getT1().applied(),
                        both.getT2().applied()));
            }
            return Mono.zip(keysIn(first, pair, differing), keysIn(second, pair, differing))
                    .map(keys -> new Comparison(
                            first,
                            second,
                            differing,
                            Divergence.keys(keys.getT1().value(), keys.getT2().value()),
                            keys.getT1().applied(),
                            keys.getT2().applied()));
        });
    }

    private Mono<AsApplied<List<KeyDigest>>> keysIn(String region, List<String> pair, List<Integer> buckets) {
        Set<Integer> wanted = Set.copyOf(buckets);
        return stores.get(region)
                .reader()
                .foldKeyDigests(tenant -> residency.heldByAll(pair, tenant), ArrayList::new, (keys, key) -> {
                    if (wanted.contains(key.bucket())) {
                        keys.add(key);
                    }
                });
    }
}
