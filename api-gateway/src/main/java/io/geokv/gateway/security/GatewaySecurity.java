package io.geokv.gateway.security;

import io.geokv.access.Role;
import io.geokv.access.web.AccessProblems;
import io.geokv.access.web.GrantAuthentication;
import io.geokv.access.web.SecurityProperties;
import io.geokv.access.web.StatelessBearerSecurity;
import io.geokv.gateway.config.GatewayProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;

/**
 * The gateway's authorization (docs/security.md): the roles each path needs, the tenant of each key
 * request from its credential, rate limits. Credentials themselves are access-control's
 * ({@link StatelessBearerSecurity}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({SecurityProperties.class, RateLimitProperties.class})
public class GatewaySecurity {

    private static final String[] KEY_PATHS = {"/kv/**", "/regions/*/kv/**"};

    @Bean
    AccessProblems accessProblems(ServerCodecConfigurer codecs) {
        return new AccessProblems(codecs);
    }

    @Bean
    SecurityWebFilterChain securityFilterChain(
            ServerHttpSecurity http,
            SecurityProperties properties,
            ObjectProvider<ReactiveJwtDecoder> jwtDecoder,
            AccessProblems problems) {
        return StatelessBearerSecurity.apply(http, properties, jwtDecoder.getIfAvailable(), problems)
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
                        .hasAuthority(authority(Role.READER)))
                .build();
    }

    @Bean
    RateLimitFilter rateLimitFilter(
            SecurityProperties credentials,
            RateLimitProperties limits,
            GatewayProperties gateway,
            AccessProblems problems,
            MeterRegistry meters) {
        return new RateLimitFilter(credentials, limits, gateway.defaultTenant(), problems, meters);
    }

    /** A {@link io.geokv.access.Caller} argument for the controllers. */
    @Bean
    WebFluxConfigurer callerArguments(GatewayProperties gateway) {
        return new WebFluxConfigurer() {
            @Override
            public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
                configurer.addCustomResolver(new CallerArgumentResolver(gateway.defaultTenant()));
            }
        };
    }

    private static String authority(Role role) {
        return GrantAuthentication.authority(role);
    }
}
