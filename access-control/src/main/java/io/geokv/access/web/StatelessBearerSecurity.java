package io.geokv.access.web;

import io.geokv.access.Grant;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.header.HttpHeaderWriterWebFilter;
import org.springframework.security.web.server.header.ServerHttpHeadersWriter;
import org.springframework.security.web.server.header.StaticServerHttpHeadersWriter;
import org.springframework.security.web.server.header.StrictTransportSecurityServerHttpHeadersWriter;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import reactor.core.publisher.Mono;

/**
 * What both applications' filter chains share: bearer credentials only ({@link BearerAuthentication}),
 * stateless (no session, no cookie, so no CSRF token either), 401 and 403 as problem+json, and
 * anonymous access only when configured. Each application adds its path rules.
 */
public final class StatelessBearerSecurity {

    /**
     * Spring Security's default response headers (no caching, no sniffing, no framing, no referrer;
     * HSTS on HTTPS), written by one static writer instead of the five default ones, each of which
     * copied the response's header names on every request.
     */
    private static final ServerHttpHeadersWriter SECURITY_HEADERS = securityHeaders();

    private StatelessBearerSecurity() {}

    private static ServerHttpHeadersWriter securityHeaders() {
        ServerHttpHeadersWriter fixed = StaticServerHttpHeadersWriter.builder()
                .header(HttpHeaders.CACHE_CONTROL, "no-cache, no-store, max-age=0, must-revalidate")
                .header(HttpHeaders.PRAGMA, "no-cache")
                .header(HttpHeaders.EXPIRES, "0")
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("X-XSS-Protection", "0")
                .header("Referrer-Policy", "no-referrer")
                .build();
        ServerHttpHeadersWriter hsts = new StrictTransportSecurityServerHttpHeadersWriter();
        return exchange -> fixed.writeHttpHeaders(exchange).then(hsts.writeHttpHeaders(exchange));
    }

    /** @param jwtDecoder Spring Boot's, when {@code spring.security.oauth2.resourceserver.jwt.*} is set; else null */
    public static ServerHttpSecurity apply(
            ServerHttpSecurity http,
            SecurityProperties properties,
            ReactiveJwtDecoder jwtDecoder,
            AccessProblems problems) {
        BearerAuthentication bearer = new BearerAuthentication(properties.keys(), jwtDecoder, properties.jwt());
        http.headers(ServerHttpSecurity.HeaderSpec::disable)
                .addFilterAt(
                        new HttpHeaderWriterWebFilter(SECURITY_HEADERS), SecurityWebFiltersOrder.HTTP_HEADERS_WRITER)
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .exceptionHandling(e ->
                        e.authenticationEntryPoint(problems.unauthorized()).accessDeniedHandler(problems.forbidden()))
                .oauth2ResourceServer(server -> server.authenticationManagerResolver(exchange -> Mono.just(bearer))
                        .authenticationEntryPoint(problems.unauthorized())
                        .accessDeniedHandler(problems.forbidden()));
        properties
                .anonymousGrant()
                .ifPresent((Grant grant) ->
                        http.anonymous(a -> a.key(UUID.randomUUID().toString())
                                .principal(grant)
                                .authorities(GrantAuthentication.authorities(grant))));
        return http;
    }
}
