package io.geokv.replication.apply;

import io.geokv.conflict.KeyLimits;
import io.geokv.conflict.KeyState;
import io.geokv.naming.GeokvNames;
import io.geokv.position.AppliedPositions;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.replication.apply.OriginHeaders.Origin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task of a region's Streams application: the keys of one partition number, from every region's
 * event topic. It folds their records in batches onto the merged states PostgreSQL holds and commits
 * each batch there with the offsets it covers ({@link RegionApplier}).
 *
 * <p>PostgreSQL is the state, and its applied offsets say exactly which records it holds. Kafka
 * Streams runs at-least-once and commits input offsets on its own schedule, so at a task's start the
 * two may differ either way:
 *
 * <ul>
 *   <li>PostgreSQL ahead of Kafka's commit (a crash after a batch was committed to PostgreSQL): the
 *       records below PostgreSQL's offsets are delivered again and skipped here by offset, never
 *       folded twice (dots are counted per key in log order, and a repeated event would be counted
 *       again unless adjacent to itself);
 *   <li>Kafka's commit ahead of PostgreSQL (a commit of records still waiting in a batch, then a
 *       crash or a rebalance): the task first reads that gap back with its own consumer ({@link
 *       GapReader}) and applies it, so no acknowledged write is skipped.
 * </ul>
 *
 * Those offsets are the region's own cluster's ({@link AppliedPositions#read()}). A mirrored topic's
 * records also carry their offset in their origin cluster; a record whose origin offset is below one
 * already applied or queued is a copy the mirror sent again (MirrorMaker 2 re-sends a range after a
 * restart), and is skipped the same way, by offset, moving only the read offset.
 *
 * A task does not commit on its own: its {@link RegionApplier} commits the batches of every task of
 * the stream thread together, in one transaction, at most every {@code applyInterval} of wall-clock
 * time (checked at each task's punctuation) and at once when a task holds {@code maxBatch} records
 * or {@code maxBatchBytes} of them.
 * A task's states are cached ({@link KeyStateCache}) only once PostgreSQL holds them, and only from a
 * key's second write on; a key missing from the cache is loaded with the rest of its batch's missing
 * keys in one query.
 */
final class ApplyProcessor implements Processor<String, byte[], Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(ApplyProcessor.class);

    private final RegionApplier applier;
    private final List<String> allRegions;
    private final Set<String> mirroredTopics;
    private final RecordCheck check;
    private final KeyLimits limits;
    private final Function<Set<EventPartition>, LogPositions> committedOffsets;
    private final Function<Set<EventPartition>, LogPositions> logEnds;
    private final GapReader gaps;
    private final Duration applyInterval;
    private final int maxBatch;
    private final long maxBatchBytes;
    private final long cacheBytes;
    private final List<CheckedRecord> pending = new ArrayList<>();
    private long pendingBytes;
    private long newestPendingTimestamp = Long.MIN_VALUE;
    private ProcessorContext<Void, Void> context;
    private KeyStateCache cache;
    private AppliedPositions applied;
    /** Per partition, the origin offset after the last record applied or queued. */
    private final Map<EventPartition, Long> originNext = new HashMap<>();

    /**
     * @param mirroredTopics the event topics that are mirrored copies in the region's cluster
     * @param committedOffsets the input offsets Kafka Streams committed for the region's group
     * @param logEnds where the event topics' partitions end
     * @param maxBatchBytes the record bytes at which this task's batch is committed at once
     * @param cacheBytes the budget of this task's state cache
     */
    ApplyProcessor(
            RegionApplier applier,
            List<String> allRegions,
            Set<String> mirroredTopics,
            RecordCheck check,
            KeyLimits limits,
            Function<Set<EventPartition>, LogPositions> committedOffsets,
            Function<Set<EventPartition>, LogPositions> logEnds,
            GapReader gaps,
            Duration applyInterval,
            int maxBatch,
            long maxBatchBytes,
            long cacheBytes) {
        this.applier = applier;
        this.allRegions = allRegions;
        this.mirroredTopics = mirroredTopics;
        this.check = check;
        this.limits = limits;
        this.committedOffsets = committedOffsets;
        this.logEnds = logEnds;
        this.gaps = gaps;
        this.applyInterval = applyInterval;
        this.maxBatch = maxBatch;
        this.maxBatchBytes = maxBatchBytes;
        this.cacheBytes = cacheBytes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        // Also called again when Streams revives a task: nothing of an earlier life is kept.
        this.context = context;
        clearPending();
        cache = new KeyStateCache(cacheBytes);
        int partition = context.taskId().partition();
        Set<EventPartition> partitions = new LinkedHashSet<>();
        allRegions.forEach(r -> partitions.add(new EventPartition(GeokvNames.eventTopic(r), partition)));
        applied = applier.appliedOffsets(partitions);
        originNext.clear();
        originNext.putAll(applied.origin().asMap());
        LogPositions ends = logEnds.apply(partitions);
        if (!applied.read().coveredBy(ends)) {
            throw new StoreAheadOfLogException(applier.region(), applied.read(), ends);
        }
        applier.join(this);
        LogPositions committed = committedOffsets.apply(partitions);
        if (!committed.coveredBy(applied.read())) {
            log.info(
                    "region {}: task {} reads back what PostgreSQL does not hold yet: from {} to {}",
                    applier.region(),
                    context.taskId(),
                    applied.read(),
                    committed);
            gaps.read(applied.read(), committed, this::receive);
            applier.commitNow();
        }
        context.schedule(applyInterval, PunctuationType.WALL_CLOCK_TIME, now -> applier.commitIfDue(applyInterval));
    }

    @Override
    public void close() {
        applier.leave(this);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata metadata = context.recordMetadata().orElseThrow();
        receive(EventRecord.read(
                record.key(),
                record.value(),
                record.headers(),
                new Origin(metadata.topic(), metadata.partition(), metadata.offset(), record.timestamp()),
                mirroredTopics.contains(metadata.topic())));
    }

    private void receive(EventRecord record) {
        EventPartition partition = record.partition();
        if (record.origin().offset() < applied.read().next(partition)) {
            return; // PostgreSQL holds it already
        }
        pending.add(check.checkInOrder(record, originNext));
        pendingBytes += record.size();
        newestPendingTimestamp =
                Math.max(newestPendingTimestamp, record.origin().timestamp());
        if (pending.size() >= maxBatch || pendingBytes >= maxBatchBytes) {
            applier.commitNow();
        }
    }

    /** The record timestamp of the newest record waiting for a commit; {@link Long#MIN_VALUE} when none is. */
    long newestPendingTimestamp() {
        return newestPendingTimestamp;
    }

    /** What this task has folded and not committed yet, with where its partitions stood before it (read offsets). */
    record Folded(
            ApplyProcessor task,
            BatchFold.Result batch,
            int records,
            LogPositions from,
            Map<String, KeyState> loaded) {}

    /** Folds what is pending onto the states PostgreSQL holds; null when nothing is pending. */
    Folded fold() {
        if (pending.isEmpty()) {
            return null;
        }
        Set<String> missing = new LinkedHashSet<>();
        for (CheckedRecord r : pending) {
            if (r.write() != null && cache.get(r.source().key()) == null) {
                missing.add(r.source().key());
            }
        }
        Map<String, KeyState> loaded = missing.isEmpty() ? Map.of() : applier.load(missing);
        BatchFold.Result batch = BatchFold.fold(
                applier.region(),
                pending,
                key -> {
                    KeyState cached = cache.get(key);
                    return cached != null ? cached : loaded.getOrDefault(key, KeyState.empty());
                },
                limits);
        return new Folded(this, batch, pending.size(), applied.read(), loaded);
    }

    /**
     * PostgreSQL holds what {@link #fold} folded: it becomes this task's starting point.
     *
     * <p>Only keys written before are cached: a key PostgreSQL held (cached or just loaded), and a
     * state PostgreSQL refused for good (see {@link KeyStateCache}). A key's first state is not, so
     * a stream of new keys (a bulk load, a replay, keys written once) does not churn the cache:
     * every such entry outlived a young collection, was promoted and evicted again, and kept the
     * old generation full (measured on the bench's materialize: a full collection every second).
     * A key written a second time is loaded with its batch's other missing keys, and cached from then on.
     *
     * @param refused the record keys whose state PostgreSQL refused for good
     */
    void committed(Folded folded, Set<String> refused) {
        applied = applied.join(folded.batch().covered());
        folded.loaded().forEach(cache::put);
        folded.batch().changed().forEach((key, state) -> {
            if (refused.contains(key)) {
                cache.put(key, state);
            } else {
                cache.replace(key, state);
            }
        });
        clearPending();
    }

    private void clearPending() {
        pending.clear();
        pendingBytes = 0;
        newestPendingTimestamp = Long.MIN_VALUE;
    }
}
