package io.geokv.gateway.history;

import io.geokv.conflict.KeyLimits;
import io.geokv.conflict.KeyState;
import io.geokv.event.EventTopics;
import io.geokv.event.KvEvents;
import io.geokv.gateway.events.AppliedEvents;
import io.geokv.naming.GeokvNames;
import io.geokv.topics.LogCut;
import io.geokv.topics.RegionClusters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A key's writes as the log holds them: read from the key's partition of every event topic in a
 * region's own Kafka cluster, checked as replication checks them, and folded the same way. The log is
 * kept whole ({@code kv-events.*} are kept forever), so it answers for any instant: what the key was
 * once every write appended by then was applied ({@link #asOf}), and each version since the first
 * write ({@link #timeline}).
 *
 * <p>Cost: a read scans the key's partition of every event topic from its beginning, so it grows
 * with the log (every key sharing the partition), not with the key: meant for audits and recovery,
 * not for hot reads.
 */
public final class KeyLog {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration SCAN_LIMIT = Duration.ofSeconds(30);

    private final RegionClusters clusters;
    private final Function<String, Consumer<byte[], byte[]>> consumers;
    private final KeyLimits limits;
    private final AppliedEvents applied;

    /** @param consumers a new read-committed consumer of a region's own cluster, without a group */
    public KeyLog(
            RegionClusters clusters,
            Function<String, Consumer<byte[], byte[]>> consumers,
            KeyLimits limits,
            AppliedEvents applied) {
        this.clusters = clusters;
        this.consumers = consumers;
        this.limits = limits;
        this.applied = applied;
    }

    /**
     * The key's merged state from every write appended to its origin's log by {@code instant} (each
     * partition cut before its first record stamped after it). Blocking.
     */
    public KeyState asOf(String region, String tenant, String key, Instant instant) {
        KeyState state = KeyState.empty();
        for (LoggedWrite write : writes(region, tenant, key, instant)) {
            state = receive(state, write);
        }
        return state;
    }

    /**
     * Each write of the key in the log with the merged state it made: the origins' logs merged by
     * append time, each origin's writes in its log order. Blocking.
     */
    public List<Version> timeline(String region, String tenant, String key) {
        List<Version> versions = new ArrayList<>();
        KeyState state = KeyState.empty();
        for (LoggedWrite write : writes(region, tenant, key, null)) {
            KeyState after = receive(state, write);
            if (after != state) {
                versions.add(new Version(write, after));
            }
            state = after;
        }
        return versions;
    }

    /** A write and the key's state once it was applied. */
    public record Version(LoggedWrite write, KeyState state) {}

    /** What replication does with the write: refused for a context claiming itself, else received. */
    private KeyState receive(KeyState state, LoggedWrite write) {
        return state.causalityViolation(write.write()).isPresent()
                ? state
                : state.receive(write.write(), limits.siblingsPerOrigin());
    }

    /**
     * The key's writes that replication applies, up to {@code until} (null: the whole log), each
     * origin's in its log order, the origins merged by append time.
     */
    private List<LoggedWrite> writes(String region, String tenant, String key, Instant until) {
        String recordKey = EventTopics.recordKey(tenant, key);
        byte[] recordKeyBytes = recordKey.getBytes(StandardCharsets.UTF_8);
        Map<String, List<LoggedWrite>> byOrigin = new HashMap<>();
        try (Consumer<byte[], byte[]> consumer = consumers.apply(region)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String origin : clusters.regions()) {
                String topic = GeokvNames.eventTopic(origin);
                int count =
                        consumer.partitionsFor(topic, Duration.ofSeconds(10)).size();
                if (count > 0) {
                    partitions.add(new TopicPartition(topic, EventTopics.partitionOf(recordKey, count)));
                }
            }
            Map<TopicPartition, Long> ends =
                    until == null ? consumer.endOffsets(partitions) : LogCut.at(consumer, partitions, until);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> nextOrigin = new HashMap<>();
            long deadline = System.nanoTime() + SCAN_LIMIT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading the log of key '" + key + "' took over " + SCAN_LIMIT);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= ends.get(tp) || !Arrays.equals(record.key(), recordKeyBytes)) {
                        continue;
                    }
                    OptionalLong originOffset = clusters.originOffset(record, region);
                    if (originOffset.isEmpty() || originOffset.getAsLong() < nextOrigin.getOrDefault(tp, 0L)) {
                        continue; // never in its origin's log, or a copy the mirror sent again
                    }
                    nextOrigin.put(tp, originOffset.getAsLong() + 1);
                    applied.write(record, tenant, recordKey)
                            .ifPresent(event -> byOrigin.computeIfAbsent(
                                            GeokvNames.regionOfEventTopic(record.topic())
                                                    .orElseThrow(),
                                            origin -> new ArrayList<>())
                                    .add(new LoggedWrite(
                                            event, KvEvents.toWrite(event), Instant.ofEpochMilli(record.timestamp()))));
                }
            }
        }
        return mergedByAppendTime(byOrigin);
    }

    /** The origins' writes in one list: by append time, each origin's kept in its own order. */
    private static List<LoggedWrite> mergedByAppendTime(Map<String, List<LoggedWrite>> byOrigin) {
        List<LoggedWrite> merged = new ArrayList<>();
        Map<String, Integer> next = new HashMap<>();
        while (true) {
            String pick = null;
            for (Map.Entry<String, List<LoggedWrite>> origin : byOrigin.entrySet()) {
                int at = next.getOrDefault(origin.getKey(), 0);
                if (at < origin.getValue().size()
                        && (pick == null
                                || origin.getValue()
                                        .get(at)
                                        .appendedAt()
                                        .isBefore(byOrigin.get(pick)
                                                .get(next.getOrDefault(pick, 0))
                                                .appendedAt()))) {
                    pick = origin.getKey();
                }
            }
            if (pick == null) {
                return merged;
            }
            int at = next.getOrDefault(pick, 0);
            merged.add(byOrigin.get(pick).get(at));
            next.put(pick, at + 1);
        }
    }
}
