package io.geokv.gateway.consistency;

import io.geokv.residency.Residency;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.List;

/**
 * The home region of each key: the region that arbitrates its conditional strong writes. Rendezvous
 * (highest random weight) hashing: every gateway computes the same home from the same region list,
 * keys spread evenly, and adding a region moves only the keys that it becomes home of. A resident
 * tenant's keys have their homes among its allowed regions ({@link Residency}), which alone hold them.
 */
public final class HomeRegions {

    private final List<String> regions;
    private final Residency residency;

    public HomeRegions(List<String> regions, Residency residency) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("no regions");
        }
        this.regions = List.copyOf(regions);
        this.residency = residency;
    }

    /** Without residency: every region may be a home. */
    public HomeRegions(List<String> regions) {
        this(regions, Residency.none());
    }

    public String homeOf(String tenant, String key) {
        return residency.holdersAmong(regions, tenant).stream()
                .max(Comparator.comparingLong((String region) -> weight(region, tenant, key))
                        .thenComparing(Comparator.naturalOrder()))
                .orElseThrow();
    }

    private static long weight(String region, String tenant, String key) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (String part : List.of(region, tenant, key)) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                sha256.update(
                        ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
                sha256.update(bytes);
            }
            return ByteBuffer.wrap(sha256.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
