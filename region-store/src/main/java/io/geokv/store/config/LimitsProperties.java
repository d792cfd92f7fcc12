package io.geokv.store.config;

import io.geokv.conflict.KeyLimits;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The limits of one key ({@code geokv.limits.*}), shared by the gateway (which answers 413 or 409
 * before accepting a write beyond them) and the replication (which enforces them in the merge).
 * Every process of a deployment must be given the same values; see {@link KeyLimits}.
 *
 * @param maxValueSize the largest value a write may carry (413 above; events above are dead-lettered)
 * @param maxSiblings the most concurrent values a key keeps (split evenly between the regions)
 * @param warnSiblings more siblings than this are counted by {@code geokv_merge_sibling_warnings_total}
 * @param maxStateSize the largest merged state of a key, all siblings together
 */
@Validated
@ConfigurationProperties("geokv.limits")
public record LimitsProperties(
        @DefaultValue("1MB") @NotNull DataSize maxValueSize,
        @DefaultValue("12") @Min(1) int maxSiblings,
        @DefaultValue("6") @Min(1) int warnSiblings,
        @DefaultValue("16MB") @NotNull DataSize maxStateSize) {

    /** The limits for a deployment of {@code regions} regions; fails when they are inconsistent. */
    public KeyLimits forRegions(int regions) {
        return new KeyLimits(maxValueSize.toBytes(), maxSiblings, warnSiblings, maxStateSize.toBytes(), regions);
    }
}
