package io.geokv.gateway.changes;

import io.geokv.event.EventTopics;
import io.geokv.event.avro.KvEvent;
import io.geokv.gateway.events.AppliedEvents;
import io.geokv.naming.GeokvNames;
import io.geokv.position.AppliedPositions;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.progress.RegionProgress;
import io.geokv.topics.RegionClusters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A region's change feed: the writes its replication has applied, read from the event topics of the
 * region's own Kafka cluster (the log is the feed: following it costs replication nothing), each
 * delivered only once the region's applied positions ({@link RegionProgress}) have passed it.
 *
 * <p>Each follower has a consumer of its own (no group), assigned every partition of every event
 * topic, on a thread of its own. Per partition, changes are delivered in log order, so a key's changes
 * come in the order the region applied them; partitions are independent. A record the region did not
 * apply as a write is no change: one that does not decode or breaks the event rules (dead-lettered),
 * a residency placeholder or a resident tenant's write outside its regions, a copy without an origin offset, or a copy the mirror sent again (its
 * origin offset was delivered already).
 */
public final class ChangeFeed implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);
    private static final Duration POLL = Duration.ofMillis(50);
    /** Records held per partition before its reading pauses (they wait for the region to apply them). */
    private static final int HELD_PER_PARTITION = 2_000;

    private final RegionClusters clusters;
    private final Function<String, Consumer<byte[], byte[]>> consumers;
    private final RegionProgress progress;
    private final AppliedEvents applied;
    private final Semaphore followers;
    private final Scheduler threads;

    /**
     * @param consumers a new read-committed consumer of a region's own cluster, without a group
     * @param maxFollowers followers one gateway serves at once
     */
    public ChangeFeed(
            RegionClusters clusters,
            Function<String, Consumer<byte[], byte[]>> consumers,
            RegionProgress progress,
            AppliedEvents applied,
            int maxFollowers) {
        this.clusters = clusters;
        this.consumers = consumers;
        this.progress = progress;
        this.applied = applied;
        this.followers = new Semaphore(maxFollowers);
        this.threads = Schedulers.newBoundedElastic(maxFollowers, 1, "geokv-change-feed");
    }

    /** Whether another follower can be served now. */
    public boolean full() {
        return followers.availablePermits() == 0;
    }

    /**
     * The changes {@code region} applies to {@code tenant}'s keys that start with {@code prefix}, from
     * {@code from} (or from the end of the log), without end. Errors with {@link FeedFullException}
     * when the gateway serves as many followers as it may.
     */
    public Flux<Change> follow(String region, String tenant, String prefix, Optional<ChangeCursor> from) {
        String keyPrefix = EventTopics.recordKey(tenant, prefix);
        return Flux.create(sink -> {
            if (!followers.tryAcquire()) {
                sink.error(new FeedFullException());
                return;
            }
            Follower follower = new Follower(region, tenant, keyPrefix, sink);
            sink.onDispose(follower::stop);
            threads.schedule(() -> {
                try {
                    follower.run(from);
                } finally {
                    followers.release();
                }
            });
        });
    }

    /** Where the log ends now in {@code region}'s cluster: a follower starting there sees only new changes. */
    public ChangeCursor end(String region) {
        try (Consumer<byte[], byte[]> consumer = consumers.apply(region)) {
            List<TopicPartition> partitions = clusters.eventPartitions(consumer);
            // Assigned, so that the read-committed end (the last stable offset) is kept for them.
            consumer.assign(partitions);
            Map<EventPartition, Long> read = new TreeMap<>();
            Map<EventPartition, Long> origin = new TreeMap<>();
            consumer.endOffsets(partitions).forEach((tp, end) -> {
                EventPartition partition = new EventPartition(tp.topic(), tp.partition());
                read.put(partition, end);
                // A copy's origin floor is unknown here: the first record read sets it (copies are
                // deduplicated against the origin offsets delivered since).
                origin.put(partition, mirrored(tp, region) ? 0L : end);
            });
            return new ChangeCursor(region, new AppliedPositions(LogPositions.of(read), LogPositions.of(origin)));
        }
    }

    private boolean mirrored(TopicPartition tp, String reader) {
        return clusters.mirrored(GeokvNames.regionOfEventTopic(tp.topic()).orElseThrow(), reader);
    }

    /** The changes of a partition read but not yet applied by the region, in log order. */
    private record Held(long readOffset, long originOffset, long appendedAt, KvEvent event) {}

    private final class Follower {

        private final String region;
        private final String tenant;
        private final String keyPrefix;
        private final FluxSink<Change> sink;
        private final Map<EventPartition, ArrayDeque<Held>> held = new HashMap<>();
        /** Per partition, past the last record read: where the cursor is when nothing is held. */
        private final Map<EventPartition, long[]> readThrough = new TreeMap<>();

        private volatile boolean stopped;
        private volatile Consumer<byte[], byte[]> consumer;

        Follower(String region, String tenant, String keyPrefix, FluxSink<Change> sink) {
            this.region = region;
            this.tenant = tenant;
            this.keyPrefix = keyPrefix;
            this.sink = sink;
        }

        void stop() {
            stopped = true;
            Consumer<byte[], byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
        }

        void run(Optional<ChangeCursor> from) {
            try (Consumer<byte[], byte[]> opened = consumers.apply(region)) {
                consumer = opened;
                ChangeCursor start = from.orElseGet(() -> end(region));
                List<TopicPartition> partitions = clusters.eventPartitions(opened);
                opened.assign(partitions);
                Map<TopicPartition, Long> beginnings = opened.beginningOffsets(partitions);
                Map<TopicPartition, Long> ends = opened.endOffsets(partitions);
                for (TopicPartition tp : partitions) {
                    EventPartition partition = new EventPartition(tp.topic(), tp.partition());
                    long read = start.positions().read().next(partition);
                    if (read < beginnings.get(tp) || read > ends.get(tp)) {
                        // Never skip silently: the log no longer holds what the cursor points at.
                        throw new CursorOutOfLogException(tp + " holds offsets " + beginnings.get(tp) + " to "
                                + ends.get(tp) + ", and the cursor is at " + read);
                    }
                    opened.seek(tp, read);
                    readThrough.put(
                            partition,
                            new long[] {read, start.positions().origin().next(partition)});
                    held.put(partition, new ArrayDeque<>());
                }
                while (!stopped) {
                    for (ConsumerRecord<byte[], byte[]> record : opened.poll(POLL)) {
                        take(record);
                    }
                    deliverApplied();
                    pauseFullPartitions(opened, partitions);
                }
            } catch (WakeupException e) {
                // stopped
            } catch (CursorOutOfLogException e) {
                sink.error(e);
            } catch (RuntimeException e) {
                if (!stopped) {
                    log.warn("region {}: a change feed follower failed: {}", region, e.toString());
                    sink.error(e);
                }
            }
        }

        private void take(ConsumerRecord<byte[], byte[]> record) {
            EventPartition partition = new EventPartition(record.topic(), record.partition());
            long[] through = readThrough.get(partition);
            OptionalLong originOffset = clusters.originOffset(record, region);
            boolean resent = originOffset.isPresent() && originOffset.getAsLong() < through[1];
            through[0] = record.offset() + 1;
            if (originOffset.isEmpty() || resent) {
                return;
            }
            through[1] = originOffset.getAsLong() + 1;
            Optional<KvEvent> event = change(record);
            event.ifPresent(e -> held.get(partition)
                    .add(new Held(record.offset(), originOffset.getAsLong(), record.timestamp(), e)));
        }

        /** The record's event if it is a write of a followed key that the region applies. */
        private Optional<KvEvent> change(ConsumerRecord<byte[], byte[]> record) {
            if (record.key() == null) {
                return Optional.empty();
            }
            String recordKey = new String(record.key(), StandardCharsets.UTF_8);
            return recordKey.startsWith(keyPrefix) ? applied.write(record, tenant, recordKey) : Optional.empty();
        }

        /**
         * Delivers the held changes the region has applied while the follower asks for more, the
         * earliest appended first whatever its partition, so that no partition waits behind others.
         */
        private void deliverApplied() {
            LogPositions applied = progress.applied(region).orElse(LogPositions.empty());
            while (!stopped && sink.requestedFromDownstream() > 0) {
                ArrayDeque<Held> earliest = null;
                for (Map.Entry<EventPartition, ArrayDeque<Held>> entry : held.entrySet()) {
                    Held head = entry.getValue().peek();
                    if (head != null
                            && head.originOffset() < applied.next(entry.getKey())
                            && (earliest == null
                                    || head.appendedAt() < earliest.peek().appendedAt())) {
                        earliest = entry.getValue();
                    }
                }
                if (earliest == null) {
                    return;
                }
                Held change = earliest.poll();
                sink.next(new Change(change.event(), cursorAfter()));
            }
        }

        /** Every partition at its first held change, or past what was read when none is held. */
        private ChangeCursor cursorAfter() {
            Map<EventPartition, Long> read = new TreeMap<>();
            Map<EventPartition, Long> origin = new TreeMap<>();
            readThrough.forEach((partition, through) -> {
                Held first = held.get(partition).peek();
                read.put(partition, first == null ? through[0] : first.readOffset());
                origin.put(partition, first == null ? through[1] : first.originOffset());
            });
            return new ChangeCursor(region, new AppliedPositions(LogPositions.of(read), LogPositions.of(origin)));
        }

        private void pauseFullPartitions(Consumer<byte[], byte[]> opened, List<TopicPartition> partitions) {
            List<TopicPartition> pause = new ArrayList<>();
            List<TopicPartition> resume = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                int size =
                        held.get(new EventPartition(tp.topic(), tp.partition())).size();
                (size >= HELD_PER_PARTITION ? pause : resume).add(tp);
            }
            opened.pause(pause);
            opened.resume(resume);
        }
    }

    @Override
    public void close() {
        threads.dispose();
    }

    /** A cursor points outside the log (records removed, or topics created again): the feed cannot resume there. */
    public static final class CursorOutOfLogException extends RuntimeException {
        CursorOutOfLogException(String detail) {
            super(detail);
        }
    }

    /** The gateway serves as many followers as {@code geokv.gateway.changes.max-followers} allows. */
    public static final class FeedFullException extends RuntimeException {
        FeedFullException() {
            super("this gateway serves as many change feed followers as it may");
        }
    }
}
