package io.geokv.access.web;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.security.config.observation.SecurityObservationSettings;

/**
 * The beans both applications' security shares: the credentials ({@code geokv.security}), the 401,
 * 403 and 429 answers, and no observations of Spring Security's own. Imported by each application's
 * security configuration, which adds its path rules with {@link StatelessBearerSecurity}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
public class StatelessBearerConfiguration {

    @Bean
    AccessProblems accessProblems(ServerCodecConfigurer codecs) {
        return new AccessProblems(codecs);
    }

    /**
     * Spring Security observes every filter of its chain, every authentication and every authorization
     * by default: a timer per filter and phase on every request, which took 6% of the gateway's CPU
     * under the bench's cached reads (docs/performance.md, 'What security costs'). Requests are
     * observed once already, by Spring Boot's HTTP server metrics; refusals are counted by their
     * problem type.
     */
    @Bean
    static SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }
}
