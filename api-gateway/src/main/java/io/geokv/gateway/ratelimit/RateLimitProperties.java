package io.geokv.gateway.ratelimit;

import io.geokv.access.web.SecurityProperties.Limit;
import jakarta.validation.Valid;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's rate limits: token buckets, 429 problem+json with {@code Retry-After} when one is
 * empty. Each credential, each tenant and each credential's admin scans have a bucket of their own,
 * so one that runs out slows nobody else. An API key may have its own credential limit
 * ({@code geokv.security.api-keys[i].rate-limit}).
 *
 * @param credential every request of one credential (default 1,000 a second, bursts of 2,000)
 * @param tenant every key request acting for one tenant (default 2,000 a second, bursts of 4,000)
 * @param adminScan the scans of every region's store ({@code /admin/digest}, {@code
 *     /admin/digest/buckets}, {@code /admin/divergence}) per credential (default 6 a minute, bursts of 3)
 * @param tenants a tenant's own limit instead of {@code tenant}
 */
@Validated
@ConfigurationProperties("geokv.security.rate-limits")
public record RateLimitProperties(
        @Valid Limit credential, @Valid Limit tenant, @Valid Limit adminScan, Map<String, @Valid Limit> tenants) {

    public RateLimitProperties {
        credential = credential == null ? new Limit(1_000, null, 2_000L) : credential;
        tenant = tenant == null ? new Limit(2_000, null, 4_000L) : tenant;
        adminScan = adminScan == null ? new Limit(6, Duration.ofMinutes(1), 3L) : adminScan;
        tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
    }
}
