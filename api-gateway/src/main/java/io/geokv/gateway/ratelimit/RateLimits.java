package io.geokv.gateway.ratelimit;

import io.geokv.access.ApiKeys;
import io.geokv.access.Grant;
import io.geokv.access.web.SecurityProperties;
import io.geokv.access.web.SecurityProperties.Limit;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.server.PathContainer;

/**
 * The gateway's rate limits ({@link RateLimitProperties}): each request takes one from its
 * credential's bucket, a key request also from its tenant's, an admin scan also from the credential's
 * scan bucket; a batch takes one more from the credential's and the tenant's for each write beyond
 * its first. The first empty bucket refuses.
 */
public final class RateLimits {

    /** Scans that read every row of every region's store. */
    private static final Set<String> ADMIN_SCANS =
            Set.of("/admin/digest", "/admin/digest/buckets", "/admin/divergence");

    /**
     * Which limit refused ({@code credential}, {@code tenant} or {@code admin-scan}) and when to retry.
     *
     * @param burst for a batch larger than the limit's burst, which no wait admits: that burst; else 0
     */
    public record Refusal(String limit, Duration retryAfter, long burst) {

        /** Whether no wait admits the batch: it is larger than the limit's burst. */
        public boolean neverFits() {
            return burst > 0;
        }
    }

    private final RateLimitProperties limits;
    private final Map<String, Limit> keyLimits;
    private final RateBuckets buckets = new RateBuckets();

    public RateLimits(SecurityProperties credentials, RateLimitProperties limits) {
        this.limits = limits;
        this.keyLimits = credentials.apiKeys().stream()
                .filter(key -> key.rateLimit() != null)
                .collect(Collectors.toMap(key -> ApiKeys.subject(key.id()), SecurityProperties.ApiKey::rateLimit));
    }

    /**
     * One request of {@code grant}'s credential to {@code path}.
     *
     * @param tenant the tenant a key request acts for; empty for any other request
     */
    public Optional<Refusal> admit(Grant grant, PathContainer path, Optional<String> tenant) {
        Optional<Refusal> refused = credential(grant, 1);
        if (refused.isEmpty() && tenant.isPresent()) {
            refused = tenant(tenant.get(), 1);
        }
        if (refused.isEmpty() && ADMIN_SCANS.contains(path.value())) {
            refused = take("admin-scan", grant.subject(), limits.adminScan(), 1);
        }
        return refused;
    }

    /**
     * The writes of a batch beyond its first, which its request was admitted for: all of them count
     * against the credential's and the tenant's limits, as if each had been a request of its own.
     */
    public Optional<Refusal> admitMoreWrites(Grant grant, String tenant, int writes) {
        String subject = grant.subject();
        Limit credential = keyLimits.getOrDefault(subject, limits.credential());
        Limit tenants = limits.tenants().getOrDefault(tenant, limits.tenant());
        // With the request's own token, more than a full bucket: refused whatever the wait.
        for (Map.Entry<String, Limit> limit :
                Map.of("credential", credential, "tenant", tenants).entrySet()) {
            if (limit.getValue().limited() && writes + 1L > limit.getValue().burst()) {
                return Optional.of(new Refusal(
                        limit.getKey(), Duration.ZERO, limit.getValue().burst()));
            }
        }
        Optional<Refusal> refused = credential(grant, writes);
        return refused.isPresent() ? refused : tenant(tenant, writes);
    }

    private Optional<Refusal> credential(Grant grant, long requests) {
        String subject = grant.subject();
        return take("credential", subject, keyLimits.getOrDefault(subject, limits.credential()), requests);
    }

    private Optional<Refusal> tenant(String tenant, long requests) {
        return take("tenant", tenant, limits.tenants().getOrDefault(tenant, limits.tenant()), requests);
    }

    private Optional<Refusal> take(String limit, String name, Limit of, long requests) {
        return buckets.take(limit + '\0' + name, of, requests).map(wait -> new Refusal(limit, wait, 0));
    }
}
