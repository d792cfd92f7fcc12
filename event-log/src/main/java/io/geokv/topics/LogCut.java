package io.geokv.topics;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The log as it was at an instant: per partition, the first offset past it, that of its first record
 * stamped after the instant (Kafka's record timestamps), else the partition's end. The same cut in
 * every cluster: a mirrored copy keeps its original's timestamps.
 */
public final class LogCut {

    private LogCut() {}

    /**
     * @param consumer a consumer of the partitions' cluster; read committed, its end is the last
     *     stable offset and the cut is never beyond it
     */
    public static Map<TopicPartition, Long> at(
            Consumer<?, ?> consumer, List<TopicPartition> partitions, Instant instant) {
        Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
        Map<TopicPartition, Long> after = new HashMap<>();
        partitions.forEach(tp -> after.put(tp, instant.toEpochMilli() + 1));
        consumer.offsetsForTimes(after).forEach((tp, first) -> {
            if (first != null) {
                ends.merge(tp, first.offset(), Math::min);
            }
        });
        return ends;
    }
}
