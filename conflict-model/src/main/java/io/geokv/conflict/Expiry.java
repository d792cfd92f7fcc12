package io.geokv.conflict;

import java.util.Optional;

/**
 * Per-key time to live. A write may carry an absolute expiry (milliseconds since the epoch, fixed
 * at its origin from its own timestamp), so every region expires it at the same instant whatever
 * its clock or when the event arrived. From that instant on the write reads as a delete of itself
 * (same dot, event id and timestamp): resolution policies then decide as with any delete, so the
 * rule for concurrent writes with different expiries is the policy's own rule for deletes (see
 * {@link KeyState#visibleAt}). The stored state never changes at expiry, so regions stay equal.
 */
public final class Expiry {

    /** The longest time to live a write may ask for: 100 years, in seconds. */
    public static final long MAX_TTL_SECONDS = 100L * 366 * 24 * 3600;

    private Expiry() {}

    /**
     * The expiry of a write stamped {@code originTimestamp} (a {@link HybridLogicalClock} value)
     * that lives {@code ttlSeconds}.
     *
     * @throws IllegalArgumentException if {@code ttlSeconds} is not in {@code [1, MAX_TTL_SECONDS]}
     */
    public static long after(long originTimestamp, long ttlSeconds) {
        if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
            throw new IllegalArgumentException(
                    "a time to live is a whole number of seconds from 1 to " + MAX_TTL_SECONDS + ", not " + ttlSeconds);
        }
        return HybridLogicalClock.physicalMillis(originTimestamp) + ttlSeconds * 1000;
    }

    /**
     * Why {@code expiresAt} cannot be an expiry, if it cannot: it must be a positive number of
     * milliseconds since the epoch, or {@link Sibling#NEVER}.
     */
    public static Optional<String> violation(long expiresAt) {
        return expiresAt > 0
                ? Optional.empty()
                : Optional.of("an expiry is a positive number of milliseconds since the epoch, not " + expiresAt);
    }

    static void requireValid(long expiresAt) {
        violation(expiresAt).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
    }
}
