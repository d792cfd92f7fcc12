package io.geokv.gateway.security;

import io.geokv.access.AccessRefusedException;
import io.geokv.access.ApiKeys;
import io.geokv.access.Grant;
import io.geokv.access.web.AccessProblems;
import io.geokv.access.web.GrantAuthentication;
import io.geokv.access.web.SecurityProperties;
import io.geokv.access.web.SecurityProperties.Limit;
import io.geokv.gateway.web.GeokvHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.core.Ordered;
import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Counts every authenticated request against its credential's bucket, a key request also against
 * its tenant's, an admin scan also against the credential's scan bucket; the first empty bucket
 * answers 429 ({@link AccessProblems#tooManyRequests}). Runs after Spring Security's filters, so
 * requests refused there (401, 403) cost nothing.
 */
final class RateLimitFilter implements WebFilter, Ordered {

    /** Scans that read every row of every region's store. */
    private static final Set<String> ADMIN_SCANS =
            Set.of("/admin/digest", "/admin/digest/buckets", "/admin/divergence");

    /** Which limit refused a request: {@code credential}, {@code tenant} or {@code admin-scan}. */
    record Refusal(String limit, Duration retryAfter) {}

    private final RateLimitProperties limits;
    private final Map<String, Limit> keyLimits;
    private final String defaultTenant;
    private final AccessProblems problems;
    private final MeterRegistry meters;
    private final RateBuckets buckets = new RateBuckets();

    RateLimitFilter(
            SecurityProperties credentials,
            RateLimitProperties limits,
            String defaultTenant,
            AccessProblems problems,
            MeterRegistry meters) {
        this.limits = limits;
        this.keyLimits = credentials.apiKeys().stream()
                .filter(key -> key.rateLimit() != null)
                .collect(Collectors.toMap(key -> ApiKeys.subject(key.id()), SecurityProperties.ApiKey::rateLimit));
        this.defaultTenant = defaultTenant;
        this.problems = problems;
        this.meters = meters;
    }

    /** Right after Spring Security's filter chain (order -100), so the principal is known. */
    @Override
    public int getOrder() {
        return 0;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return exchange.getPrincipal()
                .map(principal -> GrantAuthentication.grantOf(principal).flatMap(grant -> refusal(grant, exchange)))
                .defaultIfEmpty(Optional.empty())
                .flatMap(refusal -> refusal.isPresent() ? refuse(exchange, refusal.get()) : chain.filter(exchange));
    }

    private Optional<Refusal> refusal(Grant grant, ServerWebExchange exchange) {
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        String subject = grant.subject();
        Optional<Refusal> refused = take("credential", subject, keyLimits.getOrDefault(subject, limits.credential()));
        if (refused.isEmpty() && GatewaySecurity.isKeyRequest(path)) {
            Optional<String> tenant = tenant(grant, exchange);
            if (tenant.isPresent()) {
                refused = take("tenant", tenant.get(), limits.tenants().getOrDefault(tenant.get(), limits.tenant()));
            }
        }
        if (refused.isEmpty() && ADMIN_SCANS.contains(path.value())) {
            refused = take("admin-scan", subject, limits.adminScan());
        }
        return refused;
    }

    private Optional<Refusal> take(String limit, String name, Limit of) {
        return buckets.take(limit + '\0' + name, of).map(wait -> new Refusal(limit, wait));
    }

    /** The tenant a key request acts for; none when it may not act for the one it names (a 403 later). */
    private Optional<String> tenant(Grant grant, ServerWebExchange exchange) {
        try {
            return Optional.of(
                    grant.tenant(exchange.getRequest().getHeaders().getFirst(GeokvHeaders.TENANT), defaultTenant));
        } catch (AccessRefusedException e) {
            return Optional.empty();
        }
    }

    private Mono<Void> refuse(ServerWebExchange exchange, Refusal refusal) {
        meters.counter("geokv.requests.rate.limited", "limit", refusal.limit()).increment();
        return problems.tooManyRequests(exchange, refusal.limit(), refusal.retryAfter());
    }
}
