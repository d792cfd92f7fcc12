package io.geokv.progress;

import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the event topics one region's cluster holds end, told in their origins' offsets: what that
 * region can apply from its own cluster alone (a replay's target). For a topic read in its origin
 * cluster (the region's own, every topic in the single topology) that is its end offset; for a
 * mirrored copy, one past the origin offset stamped on its last stamped record, read back from the
 * copy's end (0 when it holds none).
 */
public final class CopyEnds {

    private static final int CHUNK = 100;

    private final TopicOffsets offsets;
    private final Consumer<byte[], byte[]> consumer;
    private final Set<String> mirroredTopics;
    private final Duration timeout;

    /**
     * @param offsets the cluster's offsets
     * @param consumer a consumer of the cluster without a group, reading committed records only
     * @param mirroredTopics the event topics that are mirrored copies in the cluster
     * @param timeout the longest {@link #ends} may read, in all
     */
    public CopyEnds(
            TopicOffsets offsets, Consumer<byte[], byte[]> consumer, Set<String> mirroredTopics, Duration timeout) {
        this.offsets = offsets;
        this.consumer = consumer;
        this.mirroredTopics = Set.copyOf(mirroredTopics);
        this.timeout = timeout;
    }

    /**
     * Where each partition ends in its origin's offsets.
     *
     * @throws IllegalStateException when the copies' last records cannot be read within the timeout
     */
    public LogPositions ends(Collection<EventPartition> partitions) {
        LogPositions ends = offsets.ends(partitions);
        List<EventPartition> copies = partitions.stream()
                .filter(p -> mirroredTopics.contains(p.topic()))
                .toList();
        if (copies.isEmpty()) {
            return ends;
        }
        LogPositions starts = offsets.starts(copies);
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<EventPartition, Long> origin = new HashMap<>(ends.asMap());
        for (EventPartition copy : copies) {
            origin.put(copy, lastStampedOffset(copy, starts.next(copy), ends.next(copy), deadline) + 1);
        }
        return LogPositions.of(origin);
    }

    /** The origin offset on the last record of {@code [start, end)} that has one; -1 if none has. */
    private long lastStampedOffset(EventPartition copy, long start, long end, long deadline) {
        TopicPartition tp = TopicOffsets.kafka(copy);
        consumer.assign(List.of(tp));
        try {
            // The last record first: it is stamped, unless someone produced to the copy by hand.
            long size = 1;
            for (long to = end; to > start; to = Math.max(start, to - size), size = CHUNK) {
                long from = Math.max(start, to - size);
                long found = highestStamped(tp, from, to, deadline);
                if (found >= 0) {
                    return found;
                }
            }
            return -1;
        } finally {
            consumer.assign(List.of());
        }
    }

    private long highestStamped(TopicPartition tp, long from, long to, long deadline) {
        long[] highest = {-1};
        CopyRecords.read(consumer, tp, from, to, deadline, record -> {
            highest[0] = Math.max(highest[0], CopyRecords.originOffset(record));
            return true;
        });
        return highest[0];
    }
}
