package io.geokv.gateway.config;

import io.geokv.gateway.changes.ChangeFeedLimits;
import io.geokv.gateway.kv.BatchLimits;
import io.geokv.gateway.routing.Continent;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's behaviour.
 *
 * @param defaultRegion region used when a request names none; blank means the first configured region
 * @param defaultTenant the tenant of a request without {@code X-Tenant} whose credential acts for every tenant
 * @param writeTimeout how long a write waits for Kafka to acknowledge it before answering 503
 * @param partitions partitions of each event topic created by the gateway (must match replication-streams)
 * @param resolution which resolution policy applies to which keys
 * @param consistency how long the session and strong levels may wait
 * @param routing how requests find their region, and where they go when it is unhealthy
 * @param health how regions are checked
 * @param tokenSecret the key sealing {@code X-Context} and {@code X-Session} tokens, shared by every gateway
 *     of a deployment (at least 16 bytes); blank makes a random one, so tokens only work on this instance
 * @param batch what one batch may carry
 * @param changes how many change feed followers one gateway serves
 * @param benchEndpoints whether {@code PUT /bench/produce/{key}} is served: the bench's raw write
 *     reference, which produces an event with no checks at all; only for {@code scripts/bench.sh}
 */
@Validated
@ConfigurationProperties("geokv.gateway")
public record GatewayProperties(
        @DefaultValue("") String defaultRegion,
        @DefaultValue("default") @NotBlank String defaultTenant,
        @DefaultValue("10s") @NotNull Duration writeTimeout,
        @DefaultValue("3") int partitions,
        @DefaultValue @Valid @NotNull Resolution resolution,
        @DefaultValue @Valid @NotNull Consistency consistency,
        @DefaultValue @Valid @NotNull Routing routing,
        @DefaultValue @Valid @NotNull Health health,
        @DefaultValue("") String tokenSecret,
        @DefaultValue("false") boolean benchEndpoints,
        @DefaultValue @Valid @NotNull BatchLimits batch,
        @DefaultValue @Valid @NotNull ChangeFeedLimits changes) {

    /**
     * Region choice (docs/product.md, 'Geo-routing and failover') and failover.
     *
     * @param tenants pinned tenants by name
     * @param continents the region of each continent (africa, americas, asia, europe, oceania); when
     *     none is configured: americas to us-east, europe and africa to eu-west, asia and oceania to
     *     asia-pac, for those of these regions that are configured
     * @param clientRanges client address ranges (CIDR, IPv4 or IPv6) and their region
     * @param latencyMs round-trip latency between regions in milliseconds (one direction suffices),
     *     to fail over to the nearest healthy region; when none is configured, a default for us-east,
     *     eu-west and asia-pac
     */
    public record Routing(
            @DefaultValue Map<String, @Valid Pin> tenants,
            @DefaultValue Map<Continent, String> continents,
            @DefaultValue List<@Valid ClientRange> clientRanges,
            @DefaultValue Map<String, Map<String, Integer>> latencyMs) {}

    /**
     * @param region the tenant's region: where its requests go unless they name another; for a
     *     resident tenant ({@code geokv.residency}), one of its allowed regions
     * @param residency no longer a pin's: set, it stops the start, so that a tenant configured for
     *     residency the old way is never served without it
     * @param allowedRegions likewise
     */
    public record Pin(@NotBlank String region, Boolean residency, List<String> allowedRegions) {

        public Pin {
            if (residency != null || (allowedRegions != null && !allowedRegions.isEmpty())) {
                throw new IllegalArgumentException("a tenant's residency is no longer part of its pin"
                        + " (geokv.gateway.routing.tenants.<tenant>.residency, .allowed-regions): set"
                        + " geokv.residency.tenants.<tenant> to its regions, the same in every process");
            }
        }
    }

    /** @param cidr e.g. {@code 10.0.0.0/8} or {@code 2001:db8::/32} */
    public record ClientRange(
            @NotBlank String cidr, @NotBlank String region) {}

    /**
     * @param interval how often every region is checked
     * @param timeout how long one check may take
     * @param failuresToFail consecutive failed checks that make a check (and maybe its region) unhealthy
     * @param successesToRecover consecutive good checks that make it healthy again (failback)
     * @param lagThreshold replication lag above which a region is unhealthy
     */
    public record Health(
            @DefaultValue("1s") @NotNull Duration interval,
            @DefaultValue("1s") @NotNull Duration timeout,
            @DefaultValue("3") @Min(1) int failuresToFail,
            @DefaultValue("3") @Min(1) int successesToRecover,
            @DefaultValue("60s") @NotNull Duration lagThreshold) {}

    /**
     * @param sessionWait how long a session read waits for a region to apply the session's writes (then 504)
     * @param strongTimeout how long a strong write waits for every region to apply it (then 504; it still applies)
     * @param lockWait how long a conditional strong write waits for the key's lock in its home region (then 503)
     * @param lockHold the longest the lock stays held waiting for the home region to apply the write it accepted
     */
    public record Consistency(
            @DefaultValue("2s") @NotNull Duration sessionWait,
            @DefaultValue("10s") @NotNull Duration strongTimeout,
            @DefaultValue("10s") @NotNull Duration lockWait,
            @DefaultValue("60s") @NotNull Duration lockHold) {}

    /**
     * Resolution policies (docs/product.md, 'Events and conflict resolution'): {@code lww}, {@code siblings}, {@code json-set-union},
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
    public record Rule(
            String tenant, String keyPrefix, @NotBlank String policy) {}
}
