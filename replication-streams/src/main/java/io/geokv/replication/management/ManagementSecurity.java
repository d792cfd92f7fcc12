package io.geokv.replication.management;

import io.geokv.access.Role;
import io.geokv.access.web.AccessProblems;
import io.geokv.access.web.PathRoles;
import io.geokv.access.web.SecurityProperties;
import io.geokv.access.web.StatelessBearerConfiguration;
import io.geokv.access.web.StatelessBearerSecurity;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * replication-streams serves only management endpoints (replay, pause, metrics, health): each needs
 * an administrator's credential, the same API keys and JWTs as the gateway's ({@code geokv.security}),
 * except liveness and readiness.
 */
@Configuration(proxyBeanMethods = false)
@Import(StatelessBearerConfiguration.class)
class ManagementSecurity {

    @Bean
    SecurityWebFilterChain managementFilterChain(
            ServerHttpSecurity http,
            SecurityProperties properties,
            ObjectProvider<ReactiveJwtDecoder> jwtDecoder,
            AccessProblems problems) {
        return StatelessBearerSecurity.apply(http, properties, jwtDecoder.getIfAvailable(), problems)
                .authorizeExchange(exchanges -> exchanges
                        .anyExchange()
                        .access(PathRoles.builder()
                                .permit("/actuator/health/liveness", "/actuator/health/readiness")
                                .otherwise(Role.ADMIN)))
                .build();
    }
}
