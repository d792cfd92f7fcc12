package io.geokv.progress;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How region progress is followed, bound from {@code geokv.progress.*}.
 *
 * @param refreshInterval how often every region's applied positions are read even without a commit
 *     notification (the safety net when one is missed or the listening connection is down)
 * @param listenBackoff how long to wait before listening again after the connection was lost
 * @param readTimeout how long one read of a region's applied positions may take before it counts as failed
 * @param lagInterval how often replication lag is measured against the log's ends
 */
@ConfigurationProperties("geokv.progress")
@Validated
public record ProgressProperties(
        @DefaultValue("500ms") @NotNull Duration refreshInterval,
        @DefaultValue("1s") @NotNull Duration listenBackoff,
        @DefaultValue("5s") @NotNull Duration readTimeout,
        @DefaultValue("1s") @NotNull Duration lagInterval) {

    public static ProgressProperties defaults() {
        return new ProgressProperties(
                Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(1));
    }
}
