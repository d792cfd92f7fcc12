package io.geokv.progress;

import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The events this process saw acknowledged by their origin's cluster: where they end per partition,
 * and when those that no other region's cluster holds yet were written. They tell what a region's
 * loss cost after its cluster stopped answering ({@link RecoveryPoint}): nothing else knows it then.
 *
 * <p>Events known to be held elsewhere are forgotten ({@link #forget}); at most {@value #KEPT_PER_PARTITION}
 * others are kept per partition (the oldest, which are the ones a recovery point's age needs), so a
 * long partition costs bounded memory. In the single topology no region holds a copy of another's
 * events and no timestamps are kept.
 */
public final class AcknowledgedWrites {

    static final int KEPT_PER_PARTITION = 10_000;

    private final Map<EventPartition, Long> ends = new ConcurrentHashMap<>();
    private final Map<EventPartition, Long> newest = new ConcurrentHashMap<>();
    /** Per partition, offset to record timestamp (epoch millis) of events not known to be held elsewhere. */
    private final Map<EventPartition, ConcurrentSkipListMap<Long, Long>> unconfirmed = new ConcurrentHashMap<>();

    private final boolean keepTimestamps;

    /** @param keepTimestamps whether other regions hold copies of the events (the multi topology) */
    public AcknowledgedWrites(boolean keepTimestamps) {
        this.keepTimestamps = keepTimestamps;
    }

    /** An event Kafka acknowledged at {@code offset}, with its record timestamp. */
    public void acknowledged(EventPartition partition, long offset, long timestamp) {
        ends.merge(partition, offset + 1, Math::max);
        if (!keepTimestamps) {
            return;
        }
        newest.merge(partition, timestamp, Math::max);
        ConcurrentSkipListMap<Long, Long> events =
                unconfirmed.computeIfAbsent(partition, p -> new ConcurrentSkipListMap<>());
        if (events.size() < KEPT_PER_PARTITION) {
            events.put(offset, timestamp);
        }
    }

    /** Where the acknowledged events end, per partition. */
    public LogPositions ends() {
        return LogPositions.of(ends);
    }

    /** Forgets the events below {@code held} in each of its partitions: another region's cluster holds them. */
    void forget(LogPositions held) {
        held.asMap().forEach((partition, next) -> {
            ConcurrentSkipListMap<Long, Long> events = unconfirmed.get(partition);
            if (events != null) {
                events.headMap(next).clear();
            }
        });
    }

    /** The record timestamp of the first acknowledged event at or after {@code from} in the partition, if known. */
    OptionalLong timestampFrom(EventPartition partition, long from) {
        ConcurrentSkipListMap<Long, Long> events = unconfirmed.get(partition);
        Map.Entry<Long, Long> first = events == null ? null : events.ceilingEntry(from);
        return first == null ? OptionalLong.empty() : OptionalLong.of(first.getValue());
    }

    /** The newest record timestamp of the events acknowledged in the partition, if any. */
    OptionalLong newestTimestamp(EventPartition partition) {
        Long timestamp = newest.get(partition);
        return timestamp == null ? OptionalLong.empty() : OptionalLong.of(timestamp);
    }
}
