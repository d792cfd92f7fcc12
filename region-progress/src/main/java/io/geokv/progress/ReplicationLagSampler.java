package io.geokv.progress;

import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.topics.RegionClusters;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures {@link ReplicationLag} on a schedule, so HTTP requests and Prometheus scrapes never wait
 * on Kafka: end offsets minus what each region has applied (from its {@link AppliedFeed}), in the
 * origins' offsets ({@link OriginOffsets}), and end offsets minus the committed offsets of the
 * region's Streams application, both in the region's own cluster; each with the age of the oldest
 * event behind, read by peeking at the record at that position in the cluster the offsets are of.
 */
final class ReplicationLagSampler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicationLagSampler.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration PEEK_TIMEOUT = Duration.ofSeconds(2);

    private final List<String> regions;
    private final RegionClusters.PerCluster<Admin> admins;
    private final OriginOffsets origins;
    private final RegionClusters.PerCluster<Consumer<byte[], byte[]>> peekers;
    private final Clock clock;
    private final Function<String, Optional<LogPositions>> applied;
    private final AtomicReference<List<ReplicationLag>> latest;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "geokv-lag-sampler");
        thread.setDaemon(true);
        return thread;
    });

    ReplicationLagSampler(
            List<String> regions,
            RegionClusters.PerCluster<Admin> admins,
            RegionClusters.PerCluster<Consumer<byte[], byte[]>> peekers,
            Clock clock,
            Function<String, Optional<LogPositions>> applied) {
        this.regions = regions;
        this.admins = admins;
        this.origins = new OriginOffsets(admins, KAFKA_TIMEOUT);
        this.peekers = peekers;
        this.clock = clock;
        this.applied = applied;
        this.latest = new AtomicReference<>(ReplicationLag.noneFor(regions));
    }

    void start(Duration interval) {
        scheduler.scheduleWithFixedDelay(this::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    List<ReplicationLag> latest() {
        return latest.get();
    }

    /** Failures keep the last known figures. */
    void sample() {
        try {
            latest.set(measure());
        } catch (Exception e) {
            log.warn("could not read replication lag from Kafka: {}", e.toString());
        }
    }

    private ReplicationLag last(String region, String origin) {
        return ReplicationLag.of(latest.get(), region, origin);
    }

    private List<ReplicationLag> measure() throws Exception {
        Set<EventPartition> partitions = origins.eventPartitions(regions);
        LogPositions ends = origins.ends(partitions);
        LogPositions starts = origins.starts(partitions);
        List<ReplicationLag> result = new ArrayList<>();
        // Where each cluster's copies stand, asked once per cluster (in the single topology, the origins').
        Map<Admin, LogPositions> clusterEnds = new IdentityHashMap<>();
        Map<Admin, LogPositions> clusterStarts = new IdentityHashMap<>();
        for (String region : regions) {
            // The region's Streams application reads its own cluster, in that cluster's offsets.
            Admin admin = admins.of(region);
            TopicOffsets local = new TopicOffsets(admin, KAFKA_TIMEOUT);
            LogPositions localEnds = clusterEnds.computeIfAbsent(admin, a -> local.ends(partitions));
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                            GeokvNames.streamsApplicationId(region))
                    .partitionsToOffsetAndMetadata()
                    .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LogPositions consumed = clusterStarts.computeIfAbsent(admin, a -> local.starts(partitions));
            for (Map.Entry<TopicPartition, OffsetAndMetadata> offset : committed.entrySet()) {
                if (offset.getValue() != null) {
                    consumed = consumed.with(
                            TopicOffsets.of(offset.getKey()), offset.getValue().offset());
                }
            }
            Map<String, Behind> consumerLag =
                    behind(region, consumed, localEnds, p -> peekers.of(region), ReplicationLag::consumerLagSeconds);
            // A region that cannot be asked keeps its last known figures; its PostgreSQL check reports the failure.
            Optional<LogPositions> regionApplied = applied.apply(region);
            Map<String, Behind> appliedLag = regionApplied
                    .map(positions -> behind(
                            region, positions.join(starts), ends, this::originPeeker, ReplicationLag::lagSeconds))
                    .orElseGet(() -> lastKnownAppliedLag(region));
            for (String origin : regions) {
                Behind readers = appliedLag.get(origin);
                Behind consumer = consumerLag.get(origin);
                result.add(new ReplicationLag(
                        region, origin, readers.records(), readers.seconds(), consumer.records(), consumer.seconds()));
            }
        }
        return List.copyOf(result);
    }

    private record Behind(long records, double seconds) {}

    private Map<String, Behind> lastKnownAppliedLag(String region) {
        Map<String, Behind> last = new HashMap<>();
        for (String origin : regions) {
            ReplicationLag lag = last(region, origin);
            last.put(origin, new Behind(lag.lagRecords(), lag.lagSeconds()));
        }
        return last;
    }

    /** The peeking consumer of a partition's origin cluster. */
    private Consumer<byte[], byte[]> originPeeker(EventPartition partition) {
        return peekers.of(GeokvNames.regionOfEventTopic(partition.topic()).orElseThrow());
    }

    /**
     * Per origin, records between {@code positions} and {@code ends}, and the age of the oldest of them.
     *
     * @param peekers the consumer of the cluster whose offsets these are, per partition
     */
    private Map<String, Behind> behind(
            String region,
            LogPositions positions,
            LogPositions ends,
            Function<EventPartition, Consumer<byte[], byte[]>> peekers,
            ToDoubleFunction<ReplicationLag> lastSeconds) {
        Map<EventPartition, Long> oldestBehind = new HashMap<>();
        ends.asMap().keySet().stream()
                .collect(Collectors.groupingBy(peekers, IdentityHashMap::new, Collectors.toSet()))
                .forEach((peeker, ofPeeker) -> oldestBehind.putAll(peekTimestamps(peeker, positions, ends, ofPeeker)));
        long now = clock.millis();
        Map<String, Behind> result = new HashMap<>();
        for (String origin : regions) {
            String topic = GeokvNames.eventTopic(origin);
            long records = ends.recordsBehind(positions, p -> p.topic().equals(topic));
            long oldest = oldestBehind.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic))
                    .mapToLong(Map.Entry::getValue)
                    .min()
                    .orElse(Long.MAX_VALUE);
            double seconds;
            if (records == 0) {
                seconds = 0;
            } else if (oldest == Long.MAX_VALUE) {
                // Behind, but the oldest event could not be read in time: keep the last known age.
                seconds = lastSeconds.applyAsDouble(last(region, origin));
            } else {
                seconds = Math.max(0, now - oldest) / 1000.0;
            }
            result.put(origin, new Behind(records, seconds));
        }
        return result;
    }

    /** The timestamp of the first record behind in each lagging partition of {@code which}. */
    private static Map<EventPartition, Long> peekTimestamps(
            Consumer<byte[], byte[]> peeker, LogPositions positions, LogPositions ends, Set<EventPartition> which) {
        List<TopicPartition> lagging = which.stream()
                .filter(p -> positions.next(p) < ends.next(p))
                .map(TopicOffsets::kafka)
                .toList();
        Map<EventPartition, Long> timestamps = new HashMap<>();
        if (lagging.isEmpty()) {
            return timestamps;
        }
        peeker.assign(lagging);
        lagging.forEach(tp -> peeker.seek(tp, positions.next(TopicOffsets.of(tp))));
        long deadline = System.nanoTime() + PEEK_TIMEOUT.toNanos();
        while (timestamps.size() < lagging.size() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : peeker.poll(Duration.ofMillis(100))) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                timestamps.putIfAbsent(TopicOffsets.of(tp), record.timestamp());
                peeker.pause(List.of(tp));
            }
        }
        peeker.assign(List.of());
        return timestamps;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        peekers.close();
    }
}
