package io.geokv.gateway.changes;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many change feed followers one gateway serves ({@code geokv.gateway.changes.*}).
 *
 * @param maxFollowers followers served at once, each with a Kafka consumer and a thread of its own
 *     (default 64); one more is answered 503 with {@code Retry-After}
 */
public record ChangeFeedLimits(
        @DefaultValue("64") @Min(1) @Max(4_096) int maxFollowers) {}
