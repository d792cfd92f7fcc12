package io.geokv.gateway.events;

import io.geokv.conflict.HybridLogicalClock;
import io.geokv.event.KvEventCodec;
import io.geokv.position.LogPositions;
import io.geokv.progress.TopicOffsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a starting gateway's clock begin after every timestamp already in the event log. A gateway
 * keeps its hybrid logical clock in memory only: after a restart on a machine whose wall clock went
 * back (or behind another gateway's), its first writes would otherwise lose under last-writer-wins
 * to writes made before them. The log holds the latest timestamp of every partition in its last
 * record, so reading those few records is enough.
 */
public final class ClockSeed {

    private static final Logger log = LoggerFactory.getLogger(ClockSeed.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private ClockSeed() {}

    /**
     * Observes the origin timestamp of the last event of every partition of every region's topic.
     *
     * @return the highest timestamp observed, or 0 when the log is empty
     */
    public static long observeLog(
            HybridLogicalClock clock, List<String> regions, TopicOffsets offsets, Consumer<byte[], byte[]> consumer) {
        LogPositions ends = offsets.ends(offsets.eventPartitions(regions));
        List<TopicPartition> written =
                ends.asMap().keySet().stream().map(TopicOffsets::kafka).toList();
        if (written.isEmpty()) {
            return 0;
        }
        KvEventCodec codec = new KvEventCodec();
        consumer.assign(written);
        written.forEach(tp -> consumer.seek(tp, ends.next(TopicOffsets.of(tp)) - 1));
        Set<TopicPartition> pending = new HashSet<>(written);
        long highest = 0;
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                pending.remove(new TopicPartition(record.topic(), record.partition()));
                if (record.value() == null) {
                    continue;
                }
                try {
                    highest = Math.max(highest, codec.decode(record.value()).getOriginTimestamp());
                } catch (SerializationException e) {
                    // A bad record at the end of a partition (it is dead-lettered) carries no clock.
                }
            }
        }
        consumer.assign(List.of());
        if (!pending.isEmpty()) {
            throw new IllegalStateException("could not read the last events of "
                    + pending.stream().map(TopicPartition::toString).collect(Collectors.joining(", ")) + " within "
                    + READ_TIMEOUT);
        }
        clock.observe(highest);
        log.info(
                "clock starts after the log's latest timestamp {} ({} ms since the epoch)",
                highest,
                HybridLogicalClock.physicalMillis(highest));
        return highest;
    }
}
