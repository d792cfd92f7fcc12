package io.geokv.replication.region;

import io.geokv.conflict.KeyLimits;
import io.geokv.naming.GeokvNames;
import io.geokv.progress.TopicOffsets;
import io.geokv.replication.apply.ApplyTopology;
import io.geokv.replication.apply.PartitionCountChangedException;
import io.geokv.replication.apply.RegionApplier;
import io.geokv.replication.apply.StoreAheadOfLogException;
import io.geokv.replication.config.ReplicationProperties;
import io.geokv.residency.Residency;
import io.geokv.store.RegionStore;
import io.geokv.topics.ClientSettings;
import io.geokv.topics.RegionClusters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One region's replication: its Streams application {@code geokv-<region>}, whose tasks fold every
 * region's events into the merged states of the region's PostgreSQL and Redis. Can be stopped and
 * started again, which is what a replay does in between.
 */
public final class RegionReplication {

    private static final Logger log = LoggerFactory.getLogger(RegionReplication.class);

    private final String region;
    private final Collection<String> allRegions;
    private final Residency residency;
    private final ReplicationProperties properties;
    private final Map<String, Object> streamsBase;
    private final Map<String, Object> consumerBase;
    private final RegionStore store;
    private final MeterRegistry meters;
    private final KeyLimits limits;
    private final Map<String, Object> producerBase;
    private final ToIntFunction<String> partitionCounts;
    private final TopicOffsets offsets;
    private final Set<String> mirroredTopics;
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private RegionApplier applier;

    /**
     * @param streamsBase the user's Streams settings, for the region's cluster
     * @param consumerBase the user's consumer settings, for reading back what PostgreSQL misses at a task's start
     * @param producerBase the user's producer settings, for the dead letters
     * @param offsets where the event topics stand in the region's cluster and what the region's group committed
     * @param residency which tenants' events the region passes over, folding nothing (data residency)
     * @param clusters which cluster holds each region's log: the region reads only its own
     */
    public RegionReplication(
            String region,
            Collection<String> allRegions,
            Residency residency,
            ReplicationProperties properties,
            KeyLimits limits,
            Map<String, Object> streamsBase,
            Map<String, Object> consumerBase,
            Map<String, Object> producerBase,
            TopicOffsets offsets,
            RegionClusters clusters,
            RegionStore store,
            MeterRegistry meters) {
        this.region = region;
        this.allRegions = List.copyOf(allRegions);
        this.residency = residency;
        this.mirroredTopics = clusters.mirroredTopics(region);
        this.properties = properties;
        this.limits = limits;
        this.streamsBase = clusters.settingsFor(region, streamsBase);
        this.consumerBase = clusters.settingsFor(region, consumerBase);
        this.producerBase = clusters.settingsFor(region, producerBase);
        this.offsets = offsets;
        this.partitionCounts = topic -> offsets.partitions(List.of(topic)).size();
        this.store = store;
        this.meters = meters;
    }

    public String region() {
        return region;
    }

    public RegionStore store() {
        return store;
    }

    public synchronized void start(boolean wipeLocalState) {
        applier = new RegionApplier(
                region,
                store,
                producerBase,
                limits.stateRecordBytes(),
                properties.retryBackoff(),
                properties.groupCommitLimit(),
                meters);
        String group = GeokvNames.streamsApplicationId(region);
        streams = new KafkaStreams(
                ApplyTopology.build(
                        applier,
                        region,
                        allRegions,
                        residency,
                        properties.partitions(),
                        limits,
                        new ApplyTopology.Batching(
                                properties.applyInterval(),
                                properties.maxBatch(),
                                properties.maxBatchBytes().toBytes() / properties.partitions(),
                                properties.stateCache().toBytes() / properties.partitions()),
                        partitionCounts,
                        partitions -> offsets.committed(group, partitions),
                        offsets::ends,
                        consumerBase,
                        mirroredTopics),
                streamsConfig());
        if (wipeLocalState) {
            streams.cleanUp();
        }
        streams.setUncaughtExceptionHandler(e -> {
            // Retrying cannot help, and going on would lose or hide writes: stop the region, and say so.
            String halt = causedBy(e, PartitionCountChangedException.class)
                    ? "partition-count-changed"
                    : causedBy(e, StoreAheadOfLogException.class) ? "store-ahead-of-log" : null;
            if (halt != null) {
                log.error("region {}: replication STOPPED: {}", region, rootMessage(e));
                meters.counter("geokv.replication.halts", "region", region, "reason", halt)
                        .increment();
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            log.error("region {}: stream thread failed, replacing it", region, e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streamsMetrics =
                new KafkaStreamsMetrics(streams, List.of(io.micrometer.core.instrument.Tag.of("region", region)));
        streamsMetrics.bindTo(meters);
        applier.start();
        streams.start();
        log.info("region {}: replication started", region);
    }

    /**
     * Stops applying events, keeping everything running: the Streams application stops processing
     * (its tasks stay assigned, nothing is rebalanced). Events produced
     * meanwhile wait in the log; {@link #resume()} applies them. Nothing is lost: a restart while
     * paused resumes.
     */
    public synchronized void pause() {
        requireStarted();
        streams.pause();
        log.info("region {}: replication paused", region);
    }

    public synchronized void resume() {
        requireStarted();
        streams.resume();
        log.info("region {}: replication resumed", region);
    }

    public synchronized boolean isPaused() {
        return streams != null && streams.isPaused();
    }

    private void requireStarted() {
        if (streams == null) {
            throw new IllegalStateException("region " + region + ": replication is not running");
        }
    }

    /** Stops the Streams application; false if the Streams application did not stop in time. */
    public synchronized boolean stop() {
        boolean stopped = true;
        if (streams != null) {
            // A static member leaving at once lets a replay reset its offsets without waiting for a session timeout.
            stopped = streams.close(
                    new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
            if (!stopped) {
                log.error("region {}: Streams did not stop within 30 s", region);
            }
            streamsMetrics.close();
            streams = null;
        }
        if (applier != null) {
            applier.close();
            applier = null;
        }
        log.info("region {}: replication stopped", region);
        return stopped;
    }

    public synchronized KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
    }

    private Properties streamsConfig() {
        Properties config = new Properties();
        config.putAll(streamsBase);
        ClientSettings.require(
                config,
                StreamsConfig.APPLICATION_ID_CONFIG,
                GeokvNames.streamsApplicationId(region),
                "the region's application id is geokv's own name");
        ClientSettings.require(
                config,
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                StreamsConfig.AT_LEAST_ONCE,
                "PostgreSQL holds the state and the offsets it covers; Kafka transactions cannot cover it");
        ClientSettings.require(
                config,
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                properties.commitInterval().toMillis(),
                "set it with geokv.replication.commit-interval");
        ClientSettings.require(
                config,
                StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG),
                "read_committed",
                "aborted events are never applied");
        // A task's topics are independent logs: never wait for one to have data before processing another.
        ClientSettings.defaultTo(config, StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // An idle poll must not hold back a batch's commit (it waits for the next punctuation).
        ClientSettings.defaultTo(
                config, StreamsConfig.POLL_MS_CONFIG, properties.applyInterval().toMillis());
        ClientSettings.require(
                config,
                StreamsConfig.STATE_DIR_CONFIG,
                properties.stateDir().resolve(region).toString(),
                "set it with geokv.replication.state-dir");
        ClientSettings.defaultTo(config, StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        ClientSettings.require(
                config,
                StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG),
                "earliest",
                "a new region merges every event");
        // Static membership: a restarted (or killed and restarted) application takes its partitions
        // back at once instead of waiting out its previous incarnation's session, and a clean close
        // leaves the group at once. Distinct per process, so one region may be spread over processes.
        ClientSettings.require(
                config,
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                GeokvNames.streamsApplicationId(region) + "-" + properties.instanceName(),
                "set it with geokv.replication.instance-name");
        return config;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    Set<String> groupIds() {
        return Set.of(GeokvNames.streamsApplicationId(region));
    }
}
