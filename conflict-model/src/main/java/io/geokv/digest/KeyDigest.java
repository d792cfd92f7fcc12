package io.geokv.digest;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One key's merged state as a fingerprint: the key and a hash of the state a region holds for it.
 *
 * @param stateHash a hash of the stored state (equal states, equal hashes)
 */
public record KeyDigest(String tenant, String key, byte[] stateHash) {

    public KeyDigest {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(stateHash, "stateHash");
    }

    public int bucket() {
        return KeyBuckets.of(tenant, key);
    }

    public String stateHashHex() {
        return HexFormat.of().formatHex(stateHash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyDigest d
                && tenant.equals(d.tenant)
                && key.equals(d.key)
                && Arrays.equals(stateHash, d.stateHash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenant, key, Arrays.hashCode(stateHash));
    }

    @Override
    public String toString() {
        return tenant + "/" + key + "@" + stateHashHex();
    }
}
