package io.geokv.gateway.kv;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What one {@code POST /kv/_batch} may carry ({@code geokv.gateway.batch.*}).
 *
 * @param maxWrites the most writes in one batch (default 500)
 */
public record BatchLimits(
        @DefaultValue("500") @Min(1) @Max(10_000) int maxWrites) {}
