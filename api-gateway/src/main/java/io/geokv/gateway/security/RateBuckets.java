package io.geokv.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.geokv.access.web.SecurityProperties.Limit;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Optional;

/**
 * Named token buckets (Bucket4j), one per credential, tenant or credential's scans. A bucket not
 * used for ten minutes is dropped: it would be full again by then, so nothing is forgotten.
 */
final class RateBuckets {

    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(100_000)
            .build();

    /**
     * Takes a request from the bucket {@code name}, made with {@code limit} when it does not exist yet.
     *
     * @return empty when the request may go on, else how long until the bucket has one again
     */
    Optional<Duration> take(String name, Limit limit) {
        if (!limit.limited()) {
            return Optional.empty();
        }
        ConsumptionProbe probe = buckets.get(name, n -> bucket(limit)).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    private static Bucket bucket(Limit limit) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(limit.burst())
                        .refillGreedy(limit.requests(), limit.per())
                        .build())
                .build();
    }
}
