package io.geokv.gateway.security;

import io.geokv.access.AccessRefusedException;
import io.geokv.access.Grant;
import io.geokv.access.web.AccessProblems;
import io.geokv.access.web.GrantAuthentication;
import io.geokv.gateway.ratelimit.RateLimits;
import io.geokv.gateway.ratelimit.RateLimits.Refusal;
import io.geokv.gateway.web.GeokvHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Counts every authenticated request against its {@link RateLimits}; the first empty bucket answers
 * 429 ({@link AccessProblems#tooManyRequests}). Runs after Spring Security's filters, so requests
 * refused there (401, 403) cost nothing.
 */
final class RateLimitFilter implements WebFilter, Ordered {

    private final RateLimits limits;
    private final String defaultTenant;
    private final AccessProblems problems;
    private final MeterRegistry meters;

    RateLimitFilter(RateLimits limits, String defaultTenant, AccessProblems problems, MeterRegistry meters) {
        this.limits = limits;
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
        Optional<String> tenant = GatewaySecurity.isKeyRequest(path) ? tenant(grant, exchange) : Optional.empty();
        return limits.admit(grant, path, tenant);
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
