package io.geokv.gateway.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
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
 * @param resolution which resolution policy applies to which keys
 * @param consistency how long the session and strong levels may wait
 * @param tokenSecret the key sealing {@code X-Context} and {@code X-Session} tokens, shared by every gateway
 *     of a deployment (at least 16 bytes); blank makes a random one, so tokens only work on this instance
 */
@Validated
@ConfigurationProperties("geokv.gateway")
public record GatewayProperties(
        @DefaultValue("") String defaultRegion,
        @DefaultValue("default") @NotBlank String defaultTenant,
        @DefaultValue("1MB") @NotNull DataSize maxValueSize,
        @DefaultValue("10s") @NotNull Duration writeTimeout,
        @DefaultValue("3") int partitions,
        @DefaultValue("1s") @NotNull Duration lagRefreshInterval,
        @DefaultValue @Valid @NotNull Resolution resolution,
        @DefaultValue @Valid @NotNull Consistency consistency,
        @DefaultValue("") String tokenSecret) {

    /**
     * @param sessionWait how long a session read waits for a region to apply the session's writes (then 504)
     * @param strongTimeout how long a strong write waits for every region to apply it (then 504; it still applies)
     * @param lockWait how long a conditional strong write waits for the key's lock in its home region (then 503)
     * @param pollInterval how often a waiting request looks at the regions' applied offsets again
     */
    public record Consistency(
            @DefaultValue("2s") @NotNull Duration sessionWait,
            @DefaultValue("10s") @NotNull Duration strongTimeout,
            @DefaultValue("10s") @NotNull Duration lockWait,
            @DefaultValue("10ms") @NotNull Duration pollInterval) {}

    /**
     * Resolution policies (PRODUCT.md section 3): {@code lww}, {@code siblings}, {@code json-set-union},
     * or the bean name of any other {@link io.geokv.conflict.SiblingResolver} in the application context.
     *
     * @param defaultPolicy the policy of keys no rule matches
     * @param rules per tenant and/or key prefix; the most specific match wins (tenant first, then the longest prefix)
     */
    public record Resolution(
            @DefaultValue("lww") @NotBlank String defaultPolicy,
            @DefaultValue List<@Valid @NotNull Rule> rules) {}

    /**
     * @param tenant the tenant the rule applies to; blank for every tenant
     * @param keyPrefix the keys it applies to; blank for every key
     * @param policy the policy's name
     */
    public record Rule(String tenant, String keyPrefix, @NotBlank String policy) {}
}
