package io.geokv.replication.region;

import io.geokv.conflict.KeyLimits;
import io.geokv.naming.GeokvNames;
import io.geokv.replication.config.ReplicationProperties;
import io.geokv.replication.merge.MergeTopology;
import io.geokv.replication.merge.PartitionCountChangedException;
import io.geokv.replication.sink.RegionSink;
import io.geokv.store.RegionStore;
import io.geokv.topics.ClientSettings;
import io.geokv.topics.RecordSizes;
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
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One region's replication: its Streams application {@code geokv-<region>} and the sink that writes
 * its merged states into the region's PostgreSQL and Redis. Can be stopped and started again, which is
 * what a replay does in between.
 */
public final class RegionReplication {

    private static final Logger log = LoggerFactory.getLogger(RegionReplication.class);

    private final String region;
    private final Collection<String> allRegions;
    private final ReplicationProperties properties;
    private final Map<String, Object> streamsBase;
    private final Map<String, Object> consumerBase;
    private final RegionStore store;
    private final MeterRegistry meters;
    private final KeyLimits limits;
    private final Map<String, Object> producerBase;
    private final ToIntFunction<String> partitionCounts;
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private RegionSink sink;

    public RegionReplication(
            String region,
            Collection<String> allRegions,
            ReplicationProperties properties,
            KeyLimits limits,
            Map<String, Object> streamsBase,
            Map<String, Object> consumerBase,
            Map<String, Object> producerBase,
            ToIntFunction<String> partitionCounts,
            RegionStore store,
            MeterRegistry meters) {
        this.region = region;
        this.allRegions = List.copyOf(allRegions);
        this.properties = properties;
        this.limits = limits;
        this.streamsBase = streamsBase;
        this.consumerBase = consumerBase;
        this.producerBase = producerBase;
        this.partitionCounts = partitionCounts;
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
        streams = new KafkaStreams(
                MergeTopology.build(
                        region,
                        allRegions,
                        properties.partitions(),
                        limits,
                        meters.counter("geokv.merge.sibling.warnings", "region", region),
                        partitionCounts),
                streamsConfig());
        if (wipeLocalState) {
            streams.cleanUp();
        }
        streams.setUncaughtExceptionHandler(e -> {
            if (causedBy(e, PartitionCountChangedException.class)) {
                // Retrying cannot help, and going on would lose writes: stop the region, and say so.
                log.error(
                        "region {}: replication STOPPED: {}",
                        region,
                        e.getCause().getMessage());
                meters.counter("geokv.replication.halts", "region", region, "reason", "partition-count-changed")
                        .increment();
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            log.error("region {}: stream thread failed, replacing it", region, e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streamsMetrics =
                new KafkaStreamsMetrics(streams, List.of(io.micrometer.core.instrument.Tag.of("region", region)));
        streamsMetrics.bindTo(meters);
        sink = new RegionSink(
                region,
                consumerBase,
                producerBase,
                limits.stateRecordBytes(),
                store,
                properties.sinkRetryBackoff(),
                meters);
        sink.start();
        streams.start();
        log.info("region {}: replication started", region);
    }

    /**
     * Stops applying events, keeping everything running: the Streams application stops processing
     * (its tasks stay assigned, nothing is rebalanced) and the sink stops consuming. Events produced
     * meanwhile wait in the log; {@link #resume()} applies them. Nothing is lost: a restart while
     * paused resumes.
     */
    public synchronized void pause() {
        requireStarted();
        streams.pause();
        sink.pause();
        log.info("region {}: replication paused", region);
    }

    public synchronized void resume() {
        requireStarted();
        sink.resume();
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

    /** Stops the Streams application and the sink; false if the Streams application did not stop in time. */
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
        if (sink != null) {
            sink.stop();
            sink = null;
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
                StreamsConfig.EXACTLY_ONCE_V2,
                "every event is merged exactly once");
        ClientSettings.require(
                config,
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                properties.commitInterval().toMillis(),
                "set it with geokv.replication.commit-interval");
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
        ClientSettings.defaultTo(config, StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        ClientSettings.defaultTo(config, StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        RecordSizes.requireAtLeast(
                config,
                StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                limits.stateRecordBytes());
        return config;
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
        return Set.of(GeokvNames.streamsApplicationId(region), GeokvNames.sinkGroup(region));
    }
}
