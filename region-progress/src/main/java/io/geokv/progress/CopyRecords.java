package io.geokv.progress;

import io.geokv.topics.RegionClusters;
import java.time.Duration;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** Reading a range of a mirrored copy record by record, and the origin offset stamped on each. */
final class CopyRecords {

    private CopyRecords() {}

    /**
     * Hands the records of {@code [from, to)} of an assigned partition in order to {@code each},
     * until it answers false.
     *
     * @param deadline when to give up ({@link System#nanoTime()})
     * @throws IllegalStateException when the range was not read by the deadline
     */
    static void read(
            Consumer<byte[], byte[]> consumer,
            TopicPartition tp,
            long from,
            long to,
            long deadline,
            Predicate<ConsumerRecord<byte[], byte[]>> each) {
        consumer.seek(tp, from);
        while (consumer.position(tp) < to) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + tp + " from " + from + " to " + to
                        + " in time (reached " + consumer.position(tp) + ")");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < to && !each.test(record)) {
                    return;
                }
            }
        }
    }

    /** The origin offset stamped on a mirrored record; -1 when it has none. */
    static long originOffset(ConsumerRecord<byte[], byte[]> record) {
        return RegionClusters.stampedOriginOffset(record.headers()).orElse(-1);
    }
}
