package io.geokv.replication.apply;

import io.geokv.conflict.KeyLimits;
import io.geokv.conflict.KeyState;
import io.geokv.position.AppliedPositions;
import io.geokv.position.EventPartition;
import io.geokv.replication.apply.OriginHeaders.Origin;
import io.geokv.residency.Residency;
import io.geokv.store.RegionStore;
import io.geokv.store.config.RegionProperties;
import io.geokv.store.postgres.MaterializedState;
import io.geokv.store.postgres.RegionDigest;
import io.geokv.topics.LogCut;
import io.geokv.topics.RegionClusters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Rebuilds a region as it was at an instant into a side database: every write appended to its
 * origin's log by then (each partition of the region's own cluster cut before its first record
 * stamped after the instant), checked and folded exactly as the region's replication does ({@link
 * RecordCheck}, {@link BatchFold}), committed with the offsets they cover. The region itself, its
 * Redis and its replication are left alone; dead letters are not sent again (the live regions sent
 * them when they first read the records).
 */
public final class PointInTimeRestore {

    private static final int BATCH = 2_000;
    private static final Duration POLL = Duration.ofMillis(200);

    private final RegionClusters clusters;
    private final Map<String, Object> consumerSettings;
    private final Residency residency;
    private final KeyLimits limits;
    private final int partitions;

    /**
     * @param consumerSettings a read-committed consumer without a group
     * @param partitions the event topics' partition count
     */
    public PointInTimeRestore(
            RegionClusters clusters,
            Map<String, Object> consumerSettings,
            Residency residency,
            KeyLimits limits,
            int partitions) {
        this.clusters = clusters;
        this.consumerSettings = consumerSettings;
        this.residency = residency;
        this.limits = limits;
        this.partitions = partitions;
    }

    /**
     * What a restore made.
     *
     * @param records the records read (up to the cut)
     * @param digest the side database's digest over the compared tenants, as {@code /admin/digest} computes it
     */
    public record Result(
            String region,
            Instant asOf,
            String database,
            long records,
            long keys,
            RegionDigest digest,
            long durationMs) {}

    /**
     * Restores {@code region} as of {@code asOf} into {@code database} on the region's PostgreSQL
     * server, which must not hold a region yet.
     *
     * @param comparedTenants the tenants the digest covers (as the live regions' digests)
     * @throws IllegalStateException if the database already holds applied offsets
     */
    public Result restore(RegionProperties region, Instant asOf, String database, Predicate<String> comparedTenants) {
        long started = System.nanoTime();
        RegionProperties.Postgres pg = region.postgres();
        RegionProperties side = new RegionProperties(
                region.name(),
                new RegionProperties.Postgres(
                        pg.host(),
                        pg.port(),
                        database,
                        pg.username(),
                        pg.password(),
                        pg.maxPoolSize(),
                        pg.sslMode(),
                        pg.sslRootCert()),
                region.redis(),
                region.kafka());
        Map<String, Object> settings = new HashMap<>(clusters.settingsFor(region.name(), consumerSettings));
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (RegionStore store = RegionStore.open(side);
                Consumer<String, byte[]> consumer = new KafkaConsumer<>(settings)) {
            List<TopicPartition> topicPartitions = clusters.eventPartitions(consumer);
            List<EventPartition> eventPartitions = topicPartitions.stream()
                    .map(tp -> new EventPartition(tp.topic(), tp.partition()))
                    .toList();
            if (!store.writer().appliedOffsets(eventPartitions).isEmpty()) {
                throw new IllegalStateException(
                        "database " + database + " already holds a region's states: restore" + " into a new database");
            }
            Map<TopicPartition, Long> ends = LogCut.at(consumer, topicPartitions, asOf);
            consumer.assign(topicPartitions);
            consumer.seekToBeginning(topicPartitions);
            RecordCheck check = new RecordCheck(
                    region.name(), residency, clusters.regions(), partitions, limits, topic -> partitions);
            Set<String> mirrored = clusters.mirroredTopics(region.name());
            Map<EventPartition, Long> originNext = new HashMap<>();
            AppliedPositions applied = AppliedPositions.empty();
            List<CheckedRecord> batch = new ArrayList<>();
            Set<String> keys = new LinkedHashSet<>();
            long records = 0;
            while (topicPartitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= ends.get(tp)) {
                        continue;
                    }
                    records++;
                    EventRecord event = EventRecord.read(
                            record.key(),
                            record.value(),
                            record.headers(),
                            new Origin(record.topic(), record.partition(), record.offset(), record.timestamp()),
                            mirrored.contains(record.topic()));
                    CheckedRecord checked = check.checkInOrder(event, originNext);
                    batch.add(checked);
                    if (checked.write() != null) {
                        keys.add(event.key());
                    }
                    if (batch.size() >= BATCH) {
                        applied = commit(store, region.name(), batch, applied);
                        batch.clear();
                    }
                }
            }
            applied = commit(store, region.name(), batch, applied);
            RegionDigest digest = store.reader().digest(comparedTenants).block(Duration.ofMinutes(10));
            return new Result(
                    region.name(),
                    asOf,
                    database,
                    records,
                    keys.size(),
                    digest,
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Folds the batch onto the states the side database holds and commits it with the offsets it covers. */
    private AppliedPositions commit(
            RegionStore store, String region, List<CheckedRecord> batch, AppliedPositions from) {
        if (batch.isEmpty()) {
            return from;
        }
        Map<String, KeyState> stored = StoredStates.load(
                store.writer(),
                batch.stream()
                        .filter(record -> record.write() != null)
                        .map(record -> record.source().key())
                        .distinct()
                        .toList());
        BatchFold.Result folded =
                BatchFold.fold(region, batch, key -> stored.getOrDefault(key, KeyState.empty()), limits);
        List<MaterializedState> states = StoredStates.of(folded.changed());
        store.writer().commit(states, folded.covered(), from.read());
        return from.join(folded.covered());
    }
}
