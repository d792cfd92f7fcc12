package io.geokv.progress;

import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.topics.RegionClusters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures {@link ReplicationLag} on a schedule, so HTTP requests and Prometheus scrapes never wait
 * on Kafka: end offsets minus what each region has applied (from its {@link AppliedFeed}), in the
 * origins' offsets (each topic asked of its origin cluster), and end offsets minus the committed offsets of the
 * region's Streams application, both in the region's own cluster; each with the age of the oldest
 * event behind, read by peeking at the record at that position in the cluster the offsets are of.
 */
final class ReplicationLagSampler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicationLagSampler.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration PEEK_TIMEOUT = Duration.ofSeconds(2);

    private final List<String> regions;
    private final RegionClusters clusters;
    private final RegionClusters.PerCluster<Admin> admins;
    private final RegionClusters.PerCluster<Consumer<byte[], byte[]>> peekers;
    private final Clock clock;
    private final Function<String, Optional<LogPositions>> applied;
    private final AcknowledgedWrites acknowledged;
    private final AtomicReference<List<ReplicationLag>> latest;
    private final AtomicReference<List<RecoveryPoint>> recoveryPoints = new AtomicReference<>(List.of());
    /** Per region, where its copies of the other regions' topics ended when its cluster last answered. */
    private final Map<String, LogPositions> lastCopied = new HashMap<>();
    /** Per origin, positions up to which only transaction markers were beyond every other region's copy. */
    private final Map<String, LogPositions> markersOnly = new HashMap<>();
    /** Per origin region; only the sampler's thread touches it. */
    private final Map<String, OriginStanding> originStandings = new HashMap<>();
    /** The regions whose cluster did not answer this round: not asked again in it. */
    private final Set<String> unreachable = new HashSet<>();

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "geokv-lag-sampler");
        thread.setDaemon(true);
        return thread;
    });

    ReplicationLagSampler(
            List<String> regions,
            RegionClusters clusters,
            RegionClusters.PerCluster<Admin> admins,
            RegionClusters.PerCluster<Consumer<byte[], byte[]>> peekers,
            Clock clock,
            Function<String, Optional<LogPositions>> applied,
            AcknowledgedWrites acknowledged) {
        this.regions = regions;
        this.clusters = clusters;
        this.admins = admins;
        this.peekers = peekers;
        this.clock = clock;
        this.applied = applied;
        this.acknowledged = acknowledged;
        this.latest = new AtomicReference<>(ReplicationLag.noneFor(regions));
    }

    void start(Duration interval) {
        scheduler.scheduleWithFixedDelay(this::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    List<ReplicationLag> latest() {
        return latest.get();
    }

    /** Per origin, in the multi topology; none in the single topology, where no region has a copy of another's. */
    List<RecoveryPoint> recoveryPoints() {
        return recoveryPoints.get();
    }

    /** Failures keep the last known figures (a cluster that does not answer: those that depend on it). */
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

    private List<ReplicationLag> measure() {
        originStandings();
        Set<EventPartition> partitions = new HashSet<>();
        // What this process saw acknowledged counts too: its cluster may have been lost since it last answered.
        LogPositions ends = acknowledged.ends();
        LogPositions starts = LogPositions.empty();
        for (OriginStanding standing : originStandings.values()) {
            partitions.addAll(standing.partitions());
            ends = ends.join(standing.ends());
            starts = starts.join(standing.starts());
        }
        List<ReplicationLag> result = new ArrayList<>();
        for (String region : regions) {
            LogPositions originStarts = starts;
            // What the region's cluster holds, in the origins' offsets: its copies' ends (the origins' own
            // ends in the single topology). Unknown while the region's cluster does not answer.
            Optional<LogPositions> copied = Optional.empty();
            Map<String, Behind> consumerLag;
            Map<String, Behind> mirrorLag;
            try {
                if (unreachable.contains(region)) {
                    throw new IllegalStateException("its cluster did not answer this round");
                }
                // The region's Streams application reads its own cluster, in that cluster's offsets.
                TopicOffsets local = new TopicOffsets(admins.of(region), KAFKA_TIMEOUT);
                consumerLag = behind(
                        region,
                        consumed(region, local, partitions),
                        local.ends(partitions),
                        p -> peekers.of(region),
                        ReplicationLag::consumerLagSeconds);
                copied = Optional.of(
                        clusters.multi()
                                ? new CopyEnds(local, peekers.of(region), clusters.mirroredTopics(region), PEEK_TIMEOUT)
                                        .ends(partitions)
                                : ends);
                mirrorLag = behind(
                        region,
                        copied.get().join(originStarts),
                        ends,
                        this::originPeeker,
                        ReplicationLag::mirrorLagSeconds);
                lastCopied.put(region, copied.get());
            } catch (RuntimeException e) {
                log.debug("region {}: its cluster cannot be asked this round: {}", region, e.toString());
                consumerLag = lastKnown(region, ReplicationLag::consumerLagRecords, ReplicationLag::consumerLagSeconds);
                mirrorLag = lastKnown(region, ReplicationLag::mirrorLagRecords, ReplicationLag::mirrorLagSeconds);
            }
            // A region that cannot be asked keeps its last known figures; its PostgreSQL check reports the failure.
            Optional<LogPositions> regionApplied = applied.apply(region).map(positions -> positions.join(originStarts));
            LogPositions originEnds = ends;
            Map<String, Behind> appliedLag = regionApplied
                    .map(positions ->
                            behind(region, positions, originEnds, this::originPeeker, ReplicationLag::lagSeconds))
                    .orElseGet(() -> lastKnown(region, ReplicationLag::lagRecords, ReplicationLag::lagSeconds));
            Optional<LogPositions> copies = copied;
            Map<String, Behind> applyLag = regionApplied
                    .flatMap(positions -> copies.map(copy ->
                            behind(region, positions, copy, this::originPeeker, ReplicationLag::applyLagSeconds)))
                    .orElseGet(
                            () -> lastKnown(region, ReplicationLag::applyLagRecords, ReplicationLag::applyLagSeconds));
            Map<EventPartition, Long> heartbeats =
                    copied.isPresent() && clusters.multi() ? newestHeartbeats(region) : Map.of();
            for (String origin : regions) {
                Behind readers = appliedLag.get(origin);
                Behind consumer = consumerLag.get(origin);
                Behind mirror = mirrorLag.get(origin);
                Long heartbeat = heartbeats.get(heartbeatPartition(origin));
                if (heartbeat != null && clusters.mirrored(origin, region)) {
                    // Idle or busy, the link is no fresher than the newest heartbeat it carried.
                    double age = Math.max(0, clock.millis() - heartbeat) / 1000.0;
                    mirror = new Behind(mirror.records(), Math.max(mirror.seconds(), age));
                }
                Behind apply = applyLag.get(origin);
                result.add(new ReplicationLag(
                        region,
                        origin,
                        readers.records(),
                        readers.seconds(),
                        consumer.records(),
                        consumer.seconds(),
                        mirror.records(),
                        mirror.seconds(),
                        apply.records(),
                        apply.seconds()));
            }
        }
        if (clusters.multi()) {
            recoveryPoints.set(recoveryPoints(ends, starts));
        }
        return List.copyOf(result);
    }

    /**
     * For each origin, its events beyond the longest copy any other region's cluster holds, partition
     * by partition (each copy is a prefix of its origin's partition, as MirrorMaker 2 carries them in order).
     */
    private List<RecoveryPoint> recoveryPoints(LogPositions ends, LogPositions starts) {
        List<RecoveryPoint> points = new ArrayList<>();
        long now = clock.millis();
        for (String origin : regions) {
            String topic = GeokvNames.eventTopic(origin);
            LogPositions held = starts.join(markersOnly.getOrDefault(origin, LogPositions.empty()));
            for (Map.Entry<String, LogPositions> copies : lastCopied.entrySet()) {
                if (!copies.getKey().equals(origin)) {
                    held = held.join(copies.getValue());
                }
            }
            acknowledged.forget(held);
            long records = ends.recordsBehind(held, p -> p.topic().equals(topic));
            RecoveryPoint last = recoveryPoints.get().stream()
                    .filter(point -> point.origin().equals(origin))
                    .findFirst()
                    .orElse(null);
            if (unreachable.contains(origin)) {
                Instant asOf = last == null ? Instant.EPOCH : last.asOf();
                double seconds = records == 0
                        ? 0
                        : Math.max(last == null ? 0 : last.unmirroredSeconds(), lostSpan(held, ends, topic));
                points.add(new RecoveryPoint(origin, false, asOf, records, seconds));
                continue;
            }
            double seconds = 0;
            if (records > 0) {
                Set<EventPartition> ofOrigin = ends.asMap().keySet().stream()
                        .filter(p -> p.topic().equals(topic))
                        .collect(Collectors.toSet());
                Peeked peeked = peek(peekers.of(origin), held, ends, ofOrigin);
                // Where only transaction markers were beyond every copy, nothing of the origin is missing.
                markersOnly.merge(origin, peeked.reached(), LogPositions::join);
                records = ends.recordsBehind(
                        held.join(peeked.reached()), p -> p.topic().equals(topic));
                seconds = peeked.oldest().values().stream().mapToLong(Long::longValue).min().stream()
                        .mapToDouble(oldest -> Math.max(0, now - oldest) / 1000.0)
                        .findFirst()
                        // Behind, but the oldest event could not be read in time: keep the last known age.
                        .orElse(last == null ? 0 : last.unmirroredSeconds());
            }
            points.add(new RecoveryPoint(origin, true, Instant.ofEpochMilli(now), records, seconds));
        }
        return List.copyOf(points);
    }

    /**
     * How long before the newest event acknowledged here the oldest one no other region holds was
     * written, in seconds (0 when this process acknowledged none of them): the span of writes an
     * origin's loss takes, once its cluster cannot be asked.
     */
    private double lostSpan(LogPositions held, LogPositions ends, String topic) {
        long oldest = Long.MAX_VALUE;
        long newest = Long.MIN_VALUE;
        for (EventPartition partition : ends.asMap().keySet()) {
            if (partition.topic().equals(topic) && held.next(partition) < ends.next(partition)) {
                oldest = Math.min(
                        oldest,
                        acknowledged
                                .timestampFrom(partition, held.next(partition))
                                .orElse(Long.MAX_VALUE));
                newest =
                        Math.max(newest, acknowledged.newestTimestamp(partition).orElse(Long.MIN_VALUE));
            }
        }
        return oldest <= newest ? (newest - oldest) / 1000.0 : 0;
    }

    /**
     * Where each origin's topic stands in its origin cluster, refreshed from every cluster that
     * answers; a cluster that does not keeps its last known standing, so the other regions' figures
     * stay current while one cluster is away.
     */
    private void originStandings() {
        unreachable.clear();
        admins.regionsByClient().forEach((admin, origins) -> {
            try {
                TopicOffsets offsets = new TopicOffsets(admin, KAFKA_TIMEOUT);
                Set<EventPartition> partitions = offsets.eventPartitions(origins);
                OriginStanding standing =
                        new OriginStanding(partitions, offsets.ends(partitions), offsets.starts(partitions));
                origins.forEach(origin -> originStandings.put(origin, standing));
            } catch (RuntimeException e) {
                log.debug("the cluster of {} cannot be asked this round: {}", origins, e.toString());
                unreachable.addAll(origins);
            }
        });
    }

    /** Where an origin's topic stood in its cluster when that cluster last answered. */
    private record OriginStanding(Set<EventPartition> partitions, LogPositions ends, LogPositions starts) {}

    /** The offsets the region's Streams application committed, from the start of the log where it has none. */
    private LogPositions consumed(String region, TopicOffsets local, Set<EventPartition> partitions) {
        LogPositions consumed = local.starts(partitions);
        for (Map.Entry<EventPartition, Long> offset : local.committed(
                        GeokvNames.streamsApplicationId(region), partitions)
                .asMap()
                .entrySet()) {
            consumed = consumed.with(offset.getKey(), offset.getValue());
        }
        return consumed;
    }

    private record Behind(long records, double seconds) {}

    private Map<String, Behind> lastKnown(
            String region, ToLongFunction<ReplicationLag> records, ToDoubleFunction<ReplicationLag> seconds) {
        Map<String, Behind> last = new HashMap<>();
        for (String origin : regions) {
            ReplicationLag lag = last(region, origin);
            last.put(origin, new Behind(records.applyAsLong(lag), seconds.applyAsDouble(lag)));
        }
        return last;
    }

    /** When the newest heartbeat from each other region reached this region's cluster; absent where none did. */
    private Map<EventPartition, Long> newestHeartbeats(String region) {
        List<EventPartition> topics = clusters.regions().stream()
                .filter(origin -> clusters.mirrored(origin, region))
                .map(ReplicationLagSampler::heartbeatPartition)
                .toList();
        return new TopicOffsets(admins.of(region), KAFKA_TIMEOUT).newestTimestamps(topics);
    }

    /** MirrorMaker 2's heartbeat topics have one partition. */
    private static EventPartition heartbeatPartition(String origin) {
        return new EventPartition(GeokvNames.mirroredHeartbeatsTopic(origin), 0);
    }

    /** The peeking consumer of a partition's origin cluster; null when that cluster did not answer this round. */
    private Consumer<byte[], byte[]> originPeeker(EventPartition partition) {
        String origin = GeokvNames.regionOfEventTopic(partition.topic()).orElseThrow();
        return unreachable.contains(origin) ? null : peekers.of(origin);
    }

    /**
     * Per origin, records between {@code positions} and {@code ends}, and the age of the oldest of them.
     *
     * @param peekers the consumer of the cluster whose offsets these are, per partition (null: not peeked)
     */
    private Map<String, Behind> behind(
            String region,
            LogPositions positions,
            LogPositions ends,
            Function<EventPartition, Consumer<byte[], byte[]>> peekers,
            ToDoubleFunction<ReplicationLag> lastSeconds) {
        Map<EventPartition, Long> oldestBehind = new HashMap<>();
        LogPositions reached = positions;
        // Records of a cluster that did not answer (no peeker) are not peeked: their age stays the last known one.
        Map<Consumer<byte[], byte[]>, Set<EventPartition>> byPeeker = ends.asMap().keySet().stream()
                .filter(p -> peekers.apply(p) != null)
                .collect(Collectors.groupingBy(peekers, IdentityHashMap::new, Collectors.toSet()));
        for (Map.Entry<Consumer<byte[], byte[]>, Set<EventPartition>> peeker : byPeeker.entrySet()) {
            Peeked peeked = peek(peeker.getKey(), positions, ends, peeker.getValue());
            oldestBehind.putAll(peeked.oldest());
            reached = reached.join(peeked.reached());
        }
        long now = clock.millis();
        Map<String, Behind> result = new HashMap<>();
        for (String origin : regions) {
            String topic = GeokvNames.eventTopic(origin);
            long records = ends.recordsBehind(reached, p -> p.topic().equals(topic));
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

    /**
     * What peeking at the first records behind found.
     *
     * @param oldest the timestamp of the first event behind, per lagging partition where one was read in time
     * @param reached the end of each lagging partition where only transaction markers were behind (each takes
     *     an offset, and none is an event): nothing is behind there
     */
    private record Peeked(Map<EventPartition, Long> oldest, LogPositions reached) {}

    /** Peeks at the first record behind in each lagging partition of {@code which}. */
    private static Peeked peek(
            Consumer<byte[], byte[]> peeker, LogPositions positions, LogPositions ends, Set<EventPartition> which) {
        List<TopicPartition> lagging = which.stream()
                .filter(p -> positions.next(p) < ends.next(p))
                .map(TopicOffsets::kafka)
                .toList();
        Map<EventPartition, Long> timestamps = new HashMap<>();
        LogPositions reached = LogPositions.empty();
        if (lagging.isEmpty()) {
            return new Peeked(timestamps, reached);
        }
        peeker.assign(lagging);
        lagging.forEach(tp -> peeker.seek(tp, positions.next(TopicOffsets.of(tp))));
        Set<TopicPartition> pending = new HashSet<>(lagging);
        long deadline = System.nanoTime() + PEEK_TIMEOUT.toNanos();
        try {
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : peeker.poll(Duration.ofMillis(100))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    timestamps.putIfAbsent(TopicOffsets.of(tp), record.timestamp());
                    pending.remove(tp);
                    peeker.pause(List.of(tp));
                }
                for (TopicPartition tp : List.copyOf(pending)) {
                    EventPartition partition = TopicOffsets.of(tp);
                    if (peeker.position(tp) >= ends.next(partition)) {
                        pending.remove(tp);
                        reached = reached.with(partition, ends.next(partition));
                    }
                }
            }
        } finally {
            peeker.assign(List.of());
        }
        return new Peeked(timestamps, reached);
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
