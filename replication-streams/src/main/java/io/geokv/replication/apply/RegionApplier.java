package io.geokv.replication.apply;

import io.geokv.conflict.KeyState;
import io.geokv.conflict.KeyStateCodec;
import io.geokv.event.EventTopics;
import io.geokv.naming.GeokvNames;
import io.geokv.position.AppliedPositions;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.store.RegionStore;
import io.geokv.store.postgres.AppliedOffsetsMovedException;
import io.geokv.store.postgres.MaterializedState;
import io.geokv.store.postgres.PlannerStatistics;
import io.geokv.store.postgres.StoreException;
import io.geokv.topics.ClientSettings;
import io.geokv.topics.RecordSizes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one region's folded batches go: its PostgreSQL (the durable home of every merged state, with
 * the offsets each state covers), then its Redis, and the dead-letter topic. Shared by the region's
 * tasks; every call blocks the calling stream thread until it is done.
 *
 * <p>Order of a commit: dead letters are acknowledged by Kafka first, then PostgreSQL commits the
 * states and moves the applied offsets past the batch (a compare-and-set from where the task
 * started, see {@link io.geokv.store.postgres.StateWriter#commit}), then Redis is updated. A crash at
 * any point leaves PostgreSQL either without the batch (it is folded again) or with all of it (its
 * records are skipped by offset), and a dead letter at most sent twice (its origin headers identify
 * it). PostgreSQL failures that may pass are retried until they pass; a batch PostgreSQL refuses for
 * good is written state by state and each refused state is dead-lettered: a loud, counted loss of one
 * key's state in one region, which a replay repairs once the cause is fixed, rather than a silent
 * halt. A failed Redis update is counted and logged and never stops PostgreSQL from advancing; the
 * cache is then treated as stale, as it is whenever the region starts (its predecessor may have died
 * after a failed update), and emptied as soon as Redis answers.
 */
public final class RegionApplier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegionApplier.class);
    private static final Duration DEAD_LETTER_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STATISTICS_CHECK_INTERVAL = Duration.ofSeconds(5);

    private final String region;
    private final RegionStore store;
    private final Duration retryBackoff;
    private final Duration groupCommitLimit;
    private final Producer<String, byte[]> deadLetters;
    /** Runs the cache repair and the planner statistics' upkeep, off the stream threads. */
    private final ScheduledExecutorService upkeep;

    private final PlannerStatistics statistics;
    private final Counter statesWritten;
    private final Counter cacheFailures;
    private final Counter deadLettered;
    private final Counter crowdedStates;
    private final DistributionSummary batchSizes;
    private final Timer commits;
    /** Per stream thread, its tasks of this region and when they were last committed. */
    private final ThreadLocal<Round> rounds = ThreadLocal.withInitial(Round::new);

    private static final class Round {
        final List<ApplyProcessor> tasks = new ArrayList<>();
        long lastCommitEndNanos = System.nanoTime();
        long lastCommitNanos;
    }

    /**
     * @param deadLetterProducer producer properties for the dead-letter topic; must take a record of
     *     {@code maxStateRecordBytes}
     * @param retryBackoff pause before a PostgreSQL call that failed for a reason that may pass is
     *     tried again, and between attempts to empty a possibly stale cache
     * @param groupCommitLimit the longest {@link #commitIfDue} waits after a slow commit
     */
    public RegionApplier(
            String region,
            RegionStore store,
            Map<String, Object> deadLetterProducer,
            long maxStateRecordBytes,
            Duration retryBackoff,
            Duration groupCommitLimit,
            MeterRegistry meters) {
        this.region = region;
        this.store = store;
        this.retryBackoff = retryBackoff;
        this.groupCommitLimit = groupCommitLimit;
        Map<String, Object> producer = new HashMap<>(deadLetterProducer);
        ClientSettings.require(producer, ProducerConfig.ACKS_CONFIG, "all", "a dead letter survives a broker loss");
        ClientSettings.require(
                producer, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, "a retried dead letter is not a second one");
        RecordSizes.requireAtLeast(producer, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxStateRecordBytes);
        this.deadLetters = new KafkaProducer<>(producer, new StringSerializer(), new ByteArraySerializer());
        this.statistics = new PlannerStatistics(store.database());
        this.upkeep = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "geokv-upkeep-" + region);
            thread.setDaemon(true);
            return thread;
        });
        this.statesWritten = Counter.builder("geokv.apply.states.written")
                .tag("region", region)
                .description("merged states committed to the region's PostgreSQL")
                .register(meters);
        this.cacheFailures = Counter.builder("geokv.apply.cache.failures")
                .tag("region", region)
                .description("batches whose Redis update failed (PostgreSQL was still written)")
                .register(meters);
        this.deadLettered = Counter.builder("geokv.apply.dead.letters")
                .tag("region", region)
                .description("records and merged states this region sent to the dead-letter topic")
                .register(meters);
        this.crowdedStates = Counter.builder("geokv.merge.sibling.warnings")
                .tag("region", region)
                .description("merged states written with more siblings than the warning level")
                .register(meters);
        this.batchSizes = DistributionSummary.builder("geokv.apply.batch.records")
                .tag("region", region)
                .description("event records per committed batch")
                .register(meters);
        this.commits = Timer.builder("geokv.apply.commit")
                .tag("region", region)
                .description("time to commit a batch: dead letters, PostgreSQL, Redis")
                .register(meters);
    }

    /**
     * Treats the cache as stale until Redis answers (see the class comment), and keeps the planner
     * statistics of the region's table current as it grows ({@link PlannerStatistics}).
     */
    public void start() {
        store.cache().markStale();
        upkeep.scheduleWithFixedDelay(store.cache()::repairIfStale, 0, retryBackoff.toMillis(), TimeUnit.MILLISECONDS);
        upkeep.scheduleWithFixedDelay(
                this::refreshStatistics,
                STATISTICS_CHECK_INTERVAL.toMillis(),
                STATISTICS_CHECK_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void refreshStatistics() {
        try {
            if (statistics.refreshIfStale()) {
                log.info("region {}: analyzed kv_state, whose planner statistics were out of date", region);
            }
        } catch (RuntimeException e) {
            // Only plans depend on it, never what is applied: tried again at the next interval.
            log.warn("region {}: {}", region, e.getMessage());
        }
    }

    @Override
    public void close() {
        upkeep.shutdownNow();
        deadLetters.close(Duration.ofSeconds(5));
    }

    String region() {
        return region;
    }

    /** A task of this region starts on the calling stream thread: its batches are committed with the thread's others. */
    void join(ApplyProcessor task) {
        List<ApplyProcessor> tasks = rounds.get().tasks;
        if (!tasks.contains(task)) {
            tasks.add(task);
        }
    }

    void leave(ApplyProcessor task) {
        rounds.get().tasks.remove(task);
    }

    /**
     * Commits the calling thread's tasks once {@code interval} has passed since their last commit
     * ended; and, while the thread is behind the head of the log, at least {@value
     * GroupCommit#FACTOR} times as long as that commit took, but never later than the group commit
     * limit ({@link GroupCommit}).
     *
     * <p>The second condition is group commit: a commit's cost is mostly fixed (round trips, the WAL
     * flush), and the stream thread folds nothing while it commits. When commits get slow (a backlog,
     * a busy machine), batches grow with them instead of the thread spending ever more of its time on
     * the fixed part: at most a quarter of it goes to committing, and a record waits about four
     * commits' time at most. When commits are fast the interval alone decides. (Measured with the
     * bench's materialize scenario on two cores: a factor of 1 applied 9,400 records/s per region, 3
     * applied 17,200/s, 6 no more.) At the head of the log there is no backlog to batch, and the
     * wait would only delay visibility: the interval alone decides there too.
     *
     * <p>The limit breaks a loop: without it, one slow commit (a checkpoint, a GC pause, a busy
     * machine) made the next wait three times as long, the larger batch that wait gathered made the
     * next commit slower still, and a steady 2,000 writes/s fell seconds behind (the bench's lag
     * scenario: p50 0.5 to 0.7 s, p99 3.2 s; with a 50 ms limit p50 84 ms, p99 0.6 s, materialize
     * unchanged). Under a backlog batches stay large anyway: a task commits at {@code maxBatch}.
     */
    void commitIfDue(Duration interval) {
        Round round = rounds.get();
        long waited = System.nanoTime() - round.lastCommitEndNanos;
        long newest = Long.MIN_VALUE;
        for (ApplyProcessor task : round.tasks) {
            newest = Math.max(newest, task.newestPendingTimestamp());
        }
        if (newest == Long.MIN_VALUE) {
            return; // nothing waits
        }
        long newestAgeMillis = System.currentTimeMillis() - newest;
        if (GroupCommit.due(waited, round.lastCommitNanos, newestAgeMillis, interval, groupCommitLimit)) {
            commitRound(round);
        }
    }

    /** Commits what the calling thread's tasks have pending, now. */
    void commitNow() {
        commitRound(rounds.get());
    }

    /**
     * One transaction for the pending batches of every task of the thread: fewer, larger commits.
     * Each task learns of it only once it succeeded; if it fails, no task's view has moved.
     */
    private void commitRound(Round round) {
        long started = System.nanoTime();
        try {
            commitTasks(round.tasks);
        } finally {
            round.lastCommitEndNanos = System.nanoTime();
            round.lastCommitNanos = round.lastCommitEndNanos - started;
        }
    }

    private void commitTasks(List<ApplyProcessor> tasks) {
        List<ApplyProcessor.Folded> folded = new ArrayList<>(tasks.size());
        for (ApplyProcessor task : tasks) {
            ApplyProcessor.Folded one = task.fold();
            if (one != null) {
                folded.add(one);
            }
        }
        if (folded.isEmpty()) {
            return;
        }
        Map<String, KeyState> changed = new LinkedHashMap<>();
        List<BatchFold.DeadLetter> letters = new ArrayList<>();
        AppliedPositions covered = AppliedPositions.empty();
        LogPositions from = LogPositions.empty();
        int records = 0;
        int crowded = 0;
        for (ApplyProcessor.Folded one : folded) {
            // Tasks own disjoint partitions and keys: nothing of one batch overlaps another's.
            changed.putAll(one.batch().changed());
            letters.addAll(one.batch().deadLetters());
            covered = covered.join(one.batch().covered());
            from = from.join(one.from());
            records += one.records();
            crowded += one.batch().crowdedStates();
        }
        Set<String> refused = commit(new BatchFold.Result(changed, letters, covered, crowded), records, from);
        folded.forEach(one -> one.task().committed(one, refused));
    }

    /** What the region's PostgreSQL has applied of these partitions; retried until PostgreSQL answers. */
    AppliedPositions appliedOffsets(Collection<EventPartition> partitions) {
        return retrying("reading applied offsets", () -> store.writer().appliedOffsets(partitions));
    }

    /** The stored states of these record keys (absent: never written); retried until PostgreSQL answers. */
    Map<String, KeyState> load(Collection<String> recordKeys) {
        return retrying(
                "loading " + recordKeys.size() + " states", () -> StoredStates.load(store.writer(), recordKeys));
    }

    /**
     * Makes a folded batch durable and visible (see the class comment for the order).
     *
     * @param records how many records the batch folded
     * @param from where the batch's partitions stood in PostgreSQL when the task folded on them
     * @return the record keys whose state PostgreSQL refused for good (dead-lettered), usually none
     * @throws AppliedOffsetsMovedException when another writer moved those offsets: nothing of the
     *     batch was written and the task's states are stale
     */
    private Set<String> commit(BatchFold.Result batch, int records, LogPositions from) {
        Timer.Sample sample = Timer.start();
        sendDeadLetters(batch.deadLetters());
        List<MaterializedState> states = StoredStates.of(batch.changed());
        List<MaterializedState> written = retrying(
                "committing " + states.size() + " states", () -> writeToPostgres(states, batch.covered(), from));
        statesWritten.increment(written.size());
        crowdedStates.increment(batch.crowdedStates());
        batchSizes.record(records);
        updateCache(written);
        sample.stop(commits);
        if (written.size() == states.size()) {
            return Set.of();
        }
        Set<String> refused = new HashSet<>(batch.changed().keySet());
        written.forEach(m -> refused.remove(EventTopics.recordKey(m.tenant(), m.key())));
        return refused;
    }

    private List<MaterializedState> writeToPostgres(
            List<MaterializedState> states, AppliedPositions covered, LogPositions from) {
        try {
            store.writer().commit(states, covered, from);
            return states;
        } catch (AppliedOffsetsMovedException e) {
            throw e;
        } catch (StoreException e) {
            if (e.isTransient()) {
                throw e;
            }
            log.warn(
                    "region {}: PostgreSQL refused a batch of {} states ({}); writing them one by one",
                    region,
                    states.size(),
                    e.getMessage());
            List<MaterializedState> written = new ArrayList<>(states.size());
            for (MaterializedState state : states) {
                try {
                    store.writer().write(List.of(state), LogPositions.empty());
                    written.add(state);
                } catch (StoreException refused) {
                    if (refused.isTransient()) {
                        throw refused;
                    }
                    deadLetterState(state, refused.getMessage());
                }
            }
            store.writer().commit(List.of(), covered, from);
            return written;
        }
    }

    private void updateCache(List<MaterializedState> states) {
        try {
            store.cache().putAll(states);
        } catch (RuntimeException e) {
            cacheFailures.increment();
            log.warn(
                    "region {}: Redis update of {} states failed, reads fall back to PostgreSQL: {}",
                    region,
                    states.size(),
                    e.toString());
        }
    }

    /** Sent and acknowledged before the batch's offsets move, so that none is ever lost. */
    private void sendDeadLetters(List<BatchFold.DeadLetter> letters) {
        if (letters.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>(letters.size());
        for (BatchFold.DeadLetter letter : letters) {
            EventRecord source = letter.source();
            log.warn(
                    "dead-lettering {}-{}@{}: {}",
                    source.origin().topic(),
                    source.origin().partition(),
                    source.origin().offset(),
                    letter.reason());
            RecordHeaders headers = new RecordHeaders(source.headers().toArray());
            OriginHeaders.write(headers, source.origin());
            headers.add(OriginHeaders.ERROR_REASON, letter.reason().getBytes(StandardCharsets.UTF_8));
            headers.add(OriginHeaders.DEAD_LETTERED_BY, region.getBytes(StandardCharsets.UTF_8));
            sent.add(deadLetters.send(
                    new ProducerRecord<>(GeokvNames.DEAD_LETTER_TOPIC, null, source.key(), source.value(), headers)));
        }
        sent.forEach(future -> await(future, "a dead letter"));
        deadLettered.increment(letters.size());
    }

    private void deadLetterState(MaterializedState state, String reason) {
        String recordKey = EventTopics.recordKey(state.tenant(), state.key());
        log.error(
                "region {}: PostgreSQL refused the state of {} for good, dead-lettering it: {}",
                region,
                recordKey,
                reason);
        RecordHeaders headers = new RecordHeaders();
        headers.add(
                OriginHeaders.ERROR_REASON,
                ("the region's PostgreSQL refused this merged state: " + reason).getBytes(StandardCharsets.UTF_8));
        headers.add(OriginHeaders.DEAD_LETTERED_BY, region.getBytes(StandardCharsets.UTF_8));
        await(
                deadLetters.send(new ProducerRecord<>(
                        GeokvNames.DEAD_LETTER_TOPIC, null, recordKey, KeyStateCodec.encode(state.state()), headers)),
                "the state of " + recordKey);
        deadLettered.increment();
    }

    private static void await(Future<RecordMetadata> future, String what) {
        try {
            future.get(DEAD_LETTER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            // The batch fails with it: nothing is given up until it is in the dead-letter topic.
            throw new IllegalStateException("could not dead-letter " + what, e);
        }
    }

    /** Runs a PostgreSQL call until it succeeds or fails for a reason a retry cannot cure. */
    private <T> T retrying(String what, Supplier<T> call) {
        while (true) {
            try {
                return call.get();
            } catch (StoreException e) {
                if (!e.isTransient()) {
                    throw e;
                }
                log.warn("region {}: {} failed, retrying in {}: {}", region, what, retryBackoff, e.getMessage());
                try {
                    Thread.sleep(retryBackoff.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
