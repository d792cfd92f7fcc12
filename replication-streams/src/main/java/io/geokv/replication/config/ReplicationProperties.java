package io.geokv.replication.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How this process replicates.
 *
 * @param hostedRegions regions whose Streams application runs in this process; empty means all configured regions
 * @param partitions partitions of every event topic; all must match so each key's events meet in one task
 * @param applyInterval how long a task's records may wait before their batch is committed to PostgreSQL
 *     (a batch is also committed as soon as it holds {@code maxBatch} records): the replication delay
 *     a region adds, beyond reading the log and committing, while commits are fast or the thread is
 *     at the head of the log; behind it, slower commits stretch it to three times their duration, up
 *     to {@code groupCommitLimit}, so that batches grow under a backlog (see {@code
 *     RegionApplier#commitIfDue})
 * @param groupCommitLimit the longest slow commits stretch the apply interval to: without a limit, one
 *     slow commit (a checkpoint, a busy machine) made the next wait three times as long, that wait's
 *     larger batch took longer again, and replication fell seconds behind a steady load. Also the
 *     record age that tells a backlog: a thread whose newest waiting record is younger is at the
 *     head of the log and does not stretch the interval
 * @param maxBatch the most records one batch folds and commits to PostgreSQL in one transaction
 * @param maxBatchBytes per region, the most record bytes its tasks keep waiting for a commit (split
 *     evenly between its tasks): a task whose batch reaches its share commits at once, so that large
 *     values bound a batch by memory as well as by count
 * @param stateCache per region, the memory its tasks may keep decoded merged states in (split evenly
 *     between its tasks), of keys written more than once (a key's first state is not cached); states
 *     beyond it are loaded from PostgreSQL again when their key is written, with the rest of their
 *     batch's missing keys in one query. Small by default: decoded states are
 *     object graphs the garbage collector keeps scanning (64MB per region cost the bench's materialize
 *     scenario, where every key is new, 15% of its throughput against 8MB)
 * @param commitInterval Streams commit interval of the input offsets; PostgreSQL's applied offsets are
 *     the restart point, so this only bounds how many records a restart reads again and skips
 * @param stateDir where the Streams applications keep their local files (no state store: PostgreSQL is the state)
 * @param retryBackoff pause before a PostgreSQL call that failed for a reason that may pass is retried
 *     (it is retried until it succeeds), and between attempts to empty a cache that may be stale once
 *     Redis answers again
 * @param replayTimeout how long a replay may take to catch up before the endpoint answers with an error
 * @param instanceName this process's name within each region's consumer group (static membership);
 *     must differ between processes hosting the same region, and stay the same across restarts
 */
@Validated
@ConfigurationProperties("geokv.replication")
public record ReplicationProperties(
        @DefaultValue List<String> hostedRegions,
        @DefaultValue("3") @Min(1) int partitions,
        @DefaultValue("5ms") @NotNull Duration applyInterval,
        @DefaultValue("50ms") @NotNull Duration groupCommitLimit,
        @DefaultValue("2000") @Min(1) int maxBatch,
        @DefaultValue("32MB") @NotNull DataSize maxBatchBytes,
        @DefaultValue("8MB") @NotNull DataSize stateCache,
        @DefaultValue("1s") @NotNull Duration commitInterval,
        @NotNull Path stateDir,
        @DefaultValue("1s") @NotNull Duration retryBackoff,
        @DefaultValue("10m") @NotNull Duration replayTimeout,
        @DefaultValue("main") @NotBlank String instanceName) {}
