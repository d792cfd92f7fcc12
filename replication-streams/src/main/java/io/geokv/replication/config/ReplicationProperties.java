package io.geokv.replication.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How this process replicates.
 *
 * @param hostedRegions regions whose Streams application runs in this process; empty means all configured regions
 * @param partitions partitions of every event topic; all must match so each key's events meet in one task
 * @param commitInterval Streams commit interval: bounds how long a processed event waits before the sink sees it
 * @param stateDir where the Streams applications keep their local state stores
 * @param sinkRetryBackoff pause before a failed PostgreSQL batch is retried (it is retried until it succeeds),
 *     and between attempts to empty a cache that may be stale once Redis answers again
 * @param replayTimeout how long a replay may take to catch up before the endpoint answers with an error
 * @param instanceName this process's name within each region's consumer group (static membership);
 *     must differ between processes hosting the same region, and stay the same across restarts
 */
@Validated
@ConfigurationProperties("geokv.replication")
public record ReplicationProperties(
        @DefaultValue List<String> hostedRegions,
        @DefaultValue("3") @Min(1) int partitions,
        @DefaultValue("100ms") @NotNull Duration commitInterval,
        @NotNull Path stateDir,
        @DefaultValue("1s") @NotNull Duration sinkRetryBackoff,
        @DefaultValue("10m") @NotNull Duration replayTimeout,
        @DefaultValue("main") @NotBlank String instanceName) {}
