package io.geokv.digest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Where two regions' fingerprints differ. */
public final class Divergence {

    private Divergence() {}

    /**
     * A key two regions hold differently.
     *
     * @param first the state hash the first region holds (lowercase hex), null when it holds no row
     * @param second likewise for the second region
     */
    public record KeyDifference(String tenant, String key, int bucket, String first, String second) {}

    /** The buckets whose digests differ, in bucket order. */
    public static List<Integer> buckets(List<BucketDigests.Bucket> first, List<BucketDigests.Bucket> second) {
        if (first.size() != KeyBuckets.COUNT || second.size() != KeyBuckets.COUNT) {
            throw new IllegalArgumentException("a fingerprint has " + KeyBuckets.COUNT + " buckets");
        }
        List<Integer> differing = new ArrayList<>();
        for (int b = 0; b < KeyBuckets.COUNT; b++) {
            if (!first.get(b).digest().equals(second.get(b).digest())) {
                differing.add(b);
            }
        }
        return differing;
    }

    /** The keys that one region holds and the other does not, or holds with another state, in key order. */
    public static List<KeyDifference> keys(Collection<KeyDigest> first, Collection<KeyDigest> second) {
        Map<Id, KeyDigest> firstByKey = byKey(first);
        Map<Id, KeyDigest> secondByKey = byKey(second);
        TreeSet<Id> all = new TreeSet<>(firstByKey.keySet());
        all.addAll(secondByKey.keySet());
        List<KeyDifference> differences = new ArrayList<>();
        for (Id id : all) {
            KeyDigest a = firstByKey.get(id);
            KeyDigest b = secondByKey.get(id);
            if (a == null || !a.equals(b)) {
                KeyDigest some = a != null ? a : b;
                differences.add(new KeyDifference(
                        some.tenant(),
                        some.key(),
                        some.bucket(),
                        a == null ? null : a.stateHashHex(),
                        b == null ? null : b.stateHashHex()));
            }
        }
        return differences;
    }

    /** A key of a tenant, ordered by tenant then key. */
    private record Id(String tenant, String key) implements Comparable<Id> {
        @Override
        public int compareTo(Id o) {
            int byTenant = tenant.compareTo(o.tenant);
            return byTenant != 0 ? byTenant : key.compareTo(o.key);
        }
    }

    private static Map<Id, KeyDigest> byKey(Collection<KeyDigest> digests) {
        Map<Id, KeyDigest> byKey = new HashMap<>();
        digests.forEach(d -> byKey.put(new Id(d.tenant(), d.key()), d));
        return byKey;
    }
}
