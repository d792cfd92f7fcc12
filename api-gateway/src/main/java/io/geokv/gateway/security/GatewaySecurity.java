package io.geokv.gateway.security;

import io.geokv.gateway.access.ApiKeys;
import io.geokv.gateway.access.Grant;
import io.geokv.gateway.access.Role;
import io.geokv.gateway.config.GatewayProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;
import reactor.core.publisher.Mono;

/**
 * Authentication and authorization (docs/security.md): bearer API keys and JWTs through Spring
 * Security's resource server, roles per endpoint, the tenant of each key request from its credential.
 * Stateless: no session, no cookie, so no CSRF token either.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
public class GatewaySecurity {

    private static final String[] KEY_PATHS = {"/kv/**", "/regions/*/kv/**"};

    @Bean
    ApiKeys apiKeys(SecurityProperties properties) {
        Map<String, ApiKeys.StoredKey> byId = properties.apiKeys().stream()
                .collect(Collectors.toMap(
                        SecurityProperties.ApiKey::id,
                        key -> new ApiKeys.StoredKey(
                                HexFormat.of().parseHex(key.sha256()),
                                Grant.of(ApiKeys.subject(key.id()), key.roles(), key.tenants(), key.regions())),
                        (a, b) -> {
                            throw new IllegalArgumentException("two API keys have the same id");
                        }));
        return new ApiKeys(byId);
    }

    @Bean
    SecurityWebFilterChain securityFilterChain(
            ServerHttpSecurity http,
            ApiKeys apiKeys,
            SecurityProperties properties,
            ObjectProvider<ReactiveJwtDecoder> jwtDecoder,
            ServerCodecConfigurer codecs) {
        SecurityProblems problems = new SecurityProblems(codecs);
        ReactiveAuthenticationManager bearer =
                bearerAuthentication(apiKeys, jwtManager(jwtDecoder.getIfAvailable(), new JwtGrants(properties.jwt())));
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
                        .accessDeniedHandler(problems.forbidden()))
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers("/actuator/health/liveness", "/actuator/health/readiness")
                        .permitAll()
                        // The page alone: every figure it shows comes from endpoints that need admin.
                        .pathMatchers(HttpMethod.GET, "/dashboard", "/dashboard.html")
                        .permitAll()
                        .pathMatchers("/admin/**", "/actuator/**", "/stats", "/bench/**")
                        .hasAuthority(authority(Role.ADMIN))
                        .pathMatchers(HttpMethod.GET, KEY_PATHS)
                        .hasAuthority(authority(Role.READER))
                        .pathMatchers(HttpMethod.HEAD, KEY_PATHS)
                        .hasAuthority(authority(Role.READER))
                        .pathMatchers(HttpMethod.GET, "/read/**", "/health", "/health/**")
                        .hasAuthority(authority(Role.READER))
                        .pathMatchers(HttpMethod.PUT, KEY_PATHS)
                        .hasAuthority(authority(Role.WRITER))
                        .pathMatchers(HttpMethod.DELETE, KEY_PATHS)
                        .hasAuthority(authority(Role.WRITER))
                        .pathMatchers(HttpMethod.POST, "/write")
                        .hasAuthority(authority(Role.WRITER))
                        // Any other path (a 404, a 405): any credential, anonymous access included.
                        .anyExchange()
                        .hasAuthority(authority(Role.READER)));
        SecurityProperties.Anonymous anonymous = properties.anonymous();
        if (anonymous.enabled()) {
            Grant grant = Grant.of("anonymous", anonymous.roles(), anonymous.tenants(), anonymous.regions());
            http.anonymous(a -> a.key(UUID.randomUUID().toString())
                    .principal(grant)
                    .authorities(GrantAuthentication.authorities(grant)));
        }
        return http.build();
    }

    @Bean
    RateLimitFilter rateLimitFilter(
            SecurityProperties properties,
            GatewayProperties gateway,
            ServerCodecConfigurer codecs,
            MeterRegistry meters) {
        return new RateLimitFilter(properties, gateway.defaultTenant(), new SecurityProblems(codecs), meters);
    }

    /** A {@link io.geokv.gateway.access.Caller} argument for the controllers. */
    @Bean
    WebFluxConfigurer callerArguments(GatewayProperties gateway) {
        return new WebFluxConfigurer() {
            @Override
            public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
                configurer.addCustomResolver(new CallerArgumentResolver(gateway.defaultTenant()));
            }
        };
    }

    /** API keys by their prefix, anything else as a JWT when JWTs are configured. */
    private static ReactiveAuthenticationManager bearerAuthentication(
            ApiKeys apiKeys, ReactiveAuthenticationManager jwts) {
        return authentication -> {
            String token = ((BearerTokenAuthenticationToken) authentication).getToken();
            if (ApiKeys.isApiKey(token)) {
                return apiKeys.authenticate(token)
                        .<Mono<Authentication>>map(grant -> Mono.just(new GrantAuthentication(grant)))
                        .orElseGet(() -> Mono.error(new BadCredentialsException("invalid API key")));
            }
            return jwts.authenticate(authentication);
        };
    }

    private static ReactiveAuthenticationManager jwtManager(ReactiveJwtDecoder decoder, JwtGrants grants) {
        if (decoder == null) {
            return authentication -> Mono.error(new BadCredentialsException("JWTs are not configured"));
        }
        JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(decoder);
        manager.setJwtAuthenticationConverter(jwt -> Mono.fromCallable(() -> new GrantAuthentication(grants.grant(jwt)))
                .onErrorMap(IllegalArgumentException.class, e -> new BadCredentialsException(e.getMessage())));
        return manager;
    }

    private static String authority(Role role) {
        return GrantAuthentication.authority(role);
    }
}
