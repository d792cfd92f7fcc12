package io.geokv.progress;

import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.topics.RegionClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * After a region's Kafka cluster is lost for good, gives every surviving region's cluster every event
 * of the lost region that any survivor holds, so that the survivors converge on the same events.
 *
 * <p>MirrorMaker 2 carries a region's events to each other region on its own, so at the moment of a
 * loss each survivor's copy of the lost region's topic ends somewhere else. For each partition this
 * copies, to every survivor whose copy is shorter, the records the longest copy has beyond it, with
 * their headers (so each keeps its origin offset) and timestamps. A record the receiving region
 * already had is skipped there as a repeat, by its origin offset, so copying one twice does no harm.
 *
 * <p>Why a suffix suffices: MirrorMaker 2 writes a copy as runs of consecutive origin records, each
 * run starting at or before the end of what it had written (it starts again from its last committed
 * source offset after a restart). So from any record whose origin offset is below the shorter copy's
 * end, the rest of the longest copy holds every origin record the shorter one lacks.
 *
 * <p>It refuses while the lost region's cluster still answers: MirrorMaker 2 could then be writing
 * the same copies, and a record it writes after a later one copied here would be skipped as a repeat.
 */
public final class LostRegionSalvage {

    private static final int CHUNK = 100;
    /** How long the lost region's cluster is given to answer before it counts as lost. */
    private static final Duration REACHABLE_WAIT = Duration.ofSeconds(5);

    private final RegionClusters clusters;
    private final RegionClusters.PerCluster<Admin> admins;
    private final Function<String, Consumer<byte[], byte[]>> consumers;
    private final Function<String, Producer<byte[], byte[]>> producers;
    private final Duration timeout;

    /**
     * @param consumers opens a consumer without a group of a region's cluster; closed here after use
     * @param producers opens an idempotent producer to a region's cluster (acks=all); closed here after use
     * @param timeout the longest one Kafka request, or the reading of one partition's copy, may take
     */
    public LostRegionSalvage(
            RegionClusters clusters,
            RegionClusters.PerCluster<Admin> admins,
            Function<String, Consumer<byte[], byte[]>> consumers,
            Function<String, Producer<byte[], byte[]>> producers,
            Duration timeout) {
        this.clusters = clusters;
        this.admins = admins;
        this.consumers = consumers;
        this.producers = producers;
        this.timeout = timeout;
    }

    /** The region's cluster still answers: it is not lost, and MirrorMaker 2 may still be writing its copies. */
    public static final class StillReachable extends RuntimeException {
        StillReachable(String region) {
            super("the cluster of " + region + " still answers: it is not lost");
        }
    }

    /** What a salvage did: per surviving region, how many of the lost region's records it was given. */
    public record Salvaged(String lost, Map<String, LogPositions> copyEnds, Map<String, Long> recordsCopied) {}

    /**
     * @throws IllegalArgumentException when {@code lost} is not a region, or in the single topology
     * @throws StillReachable when the lost region's cluster still answers
     * @throws IllegalStateException when a survivor's cluster could not be read or written in time
     */
    public Salvaged salvage(String lost) {
        if (!clusters.multi() || !clusters.regions().contains(lost)) {
            throw new IllegalArgumentException(
                    "only a region of the multi topology has a cluster of its own to lose; got '" + lost + "'");
        }
        if (answers(lost)) {
            throw new StillReachable(lost);
        }
        String topic = GeokvNames.eventTopic(lost);
        List<String> survivors =
                clusters.regions().stream().filter(r -> !r.equals(lost)).toList();
        Map<String, LogPositions> copyEnds = new LinkedHashMap<>();
        Set<EventPartition> partitions = new TreeSet<>();
        for (String survivor : survivors) {
            TopicOffsets offsets = new TopicOffsets(admins.of(survivor), timeout);
            Set<EventPartition> ofTopic = offsets.partitions(List.of(topic));
            partitions.addAll(ofTopic);
            try (Consumer<byte[], byte[]> consumer = consumers.apply(survivor)) {
                copyEnds.put(survivor, new CopyEnds(offsets, consumer, Set.of(topic), timeout).ends(ofTopic));
            }
        }
        Map<String, Long> copied = new LinkedHashMap<>();
        survivors.forEach(survivor -> copied.put(survivor, 0L));
        for (EventPartition partition : partitions) {
            String longest = survivors.get(0);
            for (String survivor : survivors) {
                if (copyEnds.get(survivor).next(partition)
                        > copyEnds.get(longest).next(partition)) {
                    longest = survivor;
                }
            }
            long longestEnd = copyEnds.get(longest).next(partition);
            for (String survivor : survivors) {
                long end = copyEnds.get(survivor).next(partition);
                if (end < longestEnd) {
                    copied.merge(survivor, copy(partition, longest, survivor, end), Long::sum);
                }
            }
        }
        return new Salvaged(lost, Map.copyOf(copyEnds), Map.copyOf(copied));
    }

    /** The deadline of one read of a copy. */
    private long deadline() {
        return System.nanoTime() + timeout.toNanos();
    }

    private boolean answers(String region) {
        try {
            admins.of(region)
                    .describeCluster()
                    .clusterId()
                    .get(Math.min(timeout.toMillis(), REACHABLE_WAIT.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Copies the records of {@code from}'s copy with an origin offset from {@code fromOrigin} on; returns how many. */
    private long copy(EventPartition partition, String from, String to, long fromOrigin) {
        TopicPartition tp = TopicOffsets.kafka(partition);
        TopicOffsets offsets = new TopicOffsets(admins.of(from), timeout);
        long start = offsets.starts(List.of(partition)).next(partition);
        long end = offsets.ends(List.of(partition)).next(partition);
        try (Consumer<byte[], byte[]> consumer = consumers.apply(from);
                Producer<byte[], byte[]> producer = producers.apply(to)) {
            consumer.assign(List.of(tp));
            long suffix = suffixStart(consumer, tp, start, end, fromOrigin);
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            CopyRecords.read(consumer, tp, suffix, end, deadline(), record -> {
                if (CopyRecords.originOffset(record) >= fromOrigin) {
                    sent.add(producer.send(new ProducerRecord<>(
                            tp.topic(),
                            tp.partition(),
                            record.timestamp(),
                            record.key(),
                            record.value(),
                            record.headers())));
                }
                return true;
            });
            producer.flush();
            for (Future<RecordMetadata> send : sent) {
                send.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            return sent.size();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not copy " + partition + " from " + from + " to " + to, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * A local offset of the copy from which on every origin record from {@code fromOrigin} on appears:
     * that of a record below it, found by reading back from the end in growing chunks, or the copy's start.
     */
    private long suffixStart(
            Consumer<byte[], byte[]> consumer, TopicPartition tp, long start, long end, long fromOrigin) {
        long size = CHUNK;
        for (long to = end; to > start; to = Math.max(start, to - size), size *= 2) {
            long[] below = {-1};
            CopyRecords.read(consumer, tp, Math.max(start, to - size), to, deadline(), record -> {
                long origin = CopyRecords.originOffset(record);
                if (origin >= 0 && origin < fromOrigin) {
                    below[0] = record.offset();
                    return false;
                }
                return true;
            });
            if (below[0] >= 0) {
                return below[0];
            }
        }
        return start;
    }
}
