package io.geokv.gateway.security;

import io.geokv.access.Role;
import io.geokv.access.web.AccessProblems;
import io.geokv.access.web.PathRoles;
import io.geokv.access.web.SecurityProperties;
import io.geokv.access.web.StatelessBearerConfiguration;
import io.geokv.access.web.StatelessBearerSecurity;
import io.geokv.gateway.config.GatewayProperties;
import io.geokv.gateway.ratelimit.RateLimitProperties;
import io.geokv.gateway.ratelimit.RateLimits;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The gateway's authorization (docs/security.md): the roles each path needs, the tenant of each key
 * request from its credential, rate limits. Credentials themselves are access-control's
 * ({@link StatelessBearerSecurity}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RateLimitProperties.class)
@Import(StatelessBearerConfiguration.class)
public class GatewaySecurity {

    private static final String[] KEY_PATHS = {"/kv/**", "/regions/*/kv/**"};
    private static final String SEED_READS = "/read/**";
    private static final String SEED_WRITES = "/write";
    private static final String BATCH = "/kv/_batch";
    private static final String CHANGES = "/changes";
    private static final String HISTORY = "/history/**";

    /** Every path that reads or writes a tenant's keys: the tenant's rate limit counts them. */
    private static final List<PathPattern> TENANT_PATHS = Stream.concat(
                    Stream.of(KEY_PATHS), Stream.of(SEED_READS, SEED_WRITES, CHANGES, HISTORY))
            .map(PathPatternParser.defaultInstance::parse)
            .toList();

    /** Whether a request to {@code path} reads or writes a tenant's keys. */
    static boolean isKeyRequest(PathContainer path) {
        return TENANT_PATHS.stream().anyMatch(pattern -> pattern.matches(path));
    }

    /** The role each path needs (docs/security.md, "Roles"). */
    static final PathRoles PATH_ROLES = PathRoles.builder()
            .permit("/actuator/health/liveness", "/actuator/health/readiness")
            // The page alone: every figure it shows comes from endpoints that need admin.
            .permit(HttpMethod.GET, "/dashboard", "/dashboard.html")
            .require(Role.ADMIN, "/admin/**", "/actuator/**", "/stats", "/bench/**")
            .require(Role.READER, Set.of(HttpMethod.GET, HttpMethod.HEAD), KEY_PATHS)
            .require(Role.READER, Set.of(HttpMethod.GET), SEED_READS, CHANGES, HISTORY, "/health", "/health/**")
            .require(Role.WRITER, Set.of(HttpMethod.PUT, HttpMethod.DELETE), KEY_PATHS)
            .require(Role.WRITER, Set.of(HttpMethod.POST), SEED_WRITES, BATCH)
            // Any other path (a 404, a 405): any credential, anonymous access included.
            .otherwise(Role.READER);

    @Bean
    SecurityWebFilterChain securityFilterChain(
            ServerHttpSecurity http,
            SecurityProperties properties,
            ObjectProvider<ReactiveJwtDecoder> jwtDecoder,
            AccessProblems problems) {
        return StatelessBearerSecurity.apply(http, properties, jwtDecoder.getIfAvailable(), problems)
                .authorizeExchange(exchanges -> exchanges.anyExchange().access(PATH_ROLES))
                .build();
    }

    @Bean
    RateLimits rateLimits(SecurityProperties credentials, RateLimitProperties limits) {
        return new RateLimits(credentials, limits);
    }

    @Bean
    RateLimitFilter rateLimitFilter(
            RateLimits limits, GatewayProperties gateway, AccessProblems problems, MeterRegistry meters) {
        return new RateLimitFilter(limits, gateway.defaultTenant(), problems, meters);
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
}
