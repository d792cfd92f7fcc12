package io.geokv.gateway.ratelimit;

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
     * Takes {@code requests} from the bucket {@code name}, made with {@code limit} when it does not
     * exist yet: all of them or none.
     *
     * @return empty when the requests may go on, else how long until the bucket has as many again
     */
    Optional<Duration> take(String name, Limit limit, long requests) {
        if (!limit.limited() || requests <= 0) {
            return Optional.empty();
        }
        ConsumptionProbe probe = buckets.get(name, n -> bucket(limit)).tryConsumeAndReturnRemaining(requests);
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
