package io.geokv.access.web;

import io.geokv.access.Grant;
import java.util.UUID;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import reactor.core.publisher.Mono;

/**
 * What both applications' filter chains share: bearer credentials only ({@link BearerAuthentication}),
 * stateless (no session, no cookie, so no CSRF token either), 401 and 403 as problem+json, and
 * anonymous access only when configured. Each application adds its path rules.
 */
public final class StatelessBearerSecurity {

    private StatelessBearerSecurity() {}

    /** @param jwtDecoder Spring Boot's, when {@code spring.security.oauth2.resourceserver.jwt.*} is set; else null */
    public static ServerHttpSecurity apply(
            ServerHttpSecurity http,
            SecurityProperties properties,
            ReactiveJwtDecoder jwtDecoder,
            AccessProblems problems) {
        BearerAuthentication bearer = new BearerAuthentication(properties.keys(), jwtDecoder, properties.jwt());
        http.csrf(ServerHttpSecurity.CsrfSpec::disable)
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
