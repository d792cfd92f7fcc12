package io.geokv.gateway.security;

import io.geokv.access.Caller;
import io.geokv.access.web.GrantAuthentication;
import io.geokv.gateway.web.GeokvHeaders;
import org.springframework.core.MethodParameter;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Resolves a {@link Caller} argument from the authenticated grant and {@code X-Tenant}. */
final class CallerArgumentResolver implements HandlerMethodArgumentResolver {

    private final String defaultTenant;

    CallerArgumentResolver(String defaultTenant) {
        this.defaultTenant = defaultTenant;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class;
    }

    @Override
    public Mono<Object> resolveArgument(MethodParameter parameter, BindingContext context, ServerWebExchange exchange) {
        String requested = exchange.getRequest().getHeaders().getFirst(GeokvHeaders.TENANT);
        return exchange.getPrincipal()
                .map(principal -> GrantAuthentication.grantOf(principal).orElseThrow(() -> unexpected(principal)))
                .switchIfEmpty(
                        Mono.error(() -> new IllegalStateException("a key endpoint was reached unauthenticated")))
                .map(grant -> new Caller(grant.tenant(requested, defaultTenant), grant));
    }

    private static IllegalStateException unexpected(Object principal) {
        return new IllegalStateException("a request reached a key endpoint authenticated as " + principal.getClass());
    }
}
