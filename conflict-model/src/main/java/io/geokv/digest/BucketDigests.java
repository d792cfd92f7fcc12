package io.geokv.digest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A region's fingerprint per bucket: for each bucket, how many keys it holds and a SHA-256 over its
 * keys and state hashes in the order they are added. Regions that add their keys in the same order
 * (key order) and hold the same states have equal digests bucket by bucket. Not thread-safe: one
 * accumulation, then {@link #buckets()}.
 */
public final class BucketDigests {

    /** One bucket: its number, how many keys it holds and its digest (lowercase hex). */
    public record Bucket(int bucket, long keys, String digest) {}

    private final MessageDigest[] digests = new MessageDigest[KeyBuckets.COUNT];
    private final long[] keys = new long[KeyBuckets.COUNT];

    public void add(KeyDigest key) {
        int bucket = key.bucket();
        MessageDigest digest = digests[bucket];
        if (digest == null) {
            digest = KeyBuckets.sha256();
            digests[bucket] = digest;
        }
        KeyBuckets.put(digest, key.tenant().getBytes(StandardCharsets.UTF_8));
        KeyBuckets.put(digest, key.key().getBytes(StandardCharsets.UTF_8));
        KeyBuckets.put(digest, key.stateHash());
        keys[bucket]++;
    }

    /** Every bucket, empty ones included (their digest is that of nothing). */
    public List<Bucket> buckets() {
        List<Bucket> buckets = new ArrayList<>(KeyBuckets.COUNT);
        for (int b = 0; b < KeyBuckets.COUNT; b++) {
            MessageDigest digest = digests[b] == null ? KeyBuckets.sha256() : digests[b];
            buckets.add(new Bucket(b, keys[b], HexFormat.of().formatHex(digest.digest())));
        }
        Arrays.fill(digests, null);
        return buckets;
    }
}
