package io.geokv.gateway.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's behaviour.
 *
 * @param defaultRegion region used when a request names none; blank means the first configured region
 * @param defaultTenant tenant used when a request has no {@code X-Tenant} header
 * @param maxValueSize largest value a write may carry (413 above)
 * @param writeTimeout how long a write waits for Kafka to acknowledge it before answering 503
 * @param partitions partitions of each event topic created by the gateway (must match replication-streams)
 * @param lagRefreshInterval how often replication lag is read from Kafka
 */
@Validated
@ConfigurationProperties("geokv.gateway")
public record GatewayProperties(
        @DefaultValue("") String defaultRegion,
        @DefaultValue("default") @NotBlank String defaultTenant,
        @DefaultValue("1MB") @NotNull DataSize maxValueSize,
        @DefaultValue("10s") @NotNull Duration writeTimeout,
        @DefaultValue("3") int partitions,
        @DefaultValue("1s") @NotNull Duration lagRefreshInterval) {}
