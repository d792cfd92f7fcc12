package io.geokv.replication.apply;

import io.geokv.conflict.KeyLimits;
import io.geokv.conflict.KeyState;
import io.geokv.position.AppliedPositions;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Folds a batch of checked records, in their log order, onto their keys' merged states. Pure: all the
 * conflict semantics live in {@link KeyState}; this decides what a record does to a batch: a new
 * state for its key, a dead letter, or nothing, and always one more offset covered, so that a region
 * that has applied everything reports zero lag: in the region's cluster's offsets, and in the origin's
 * for every record that has an origin offset.
 */
final class BatchFold {

    private BatchFold() {}

    /** A refused record to send to the dead-letter topic, with why. */
    record DeadLetter(EventRecord source, String reason) {}

    /**
     * @param changed the new merged state of every key the batch changed, by record key, in first-change order
     * @param deadLetters what this region dead-letters, in log order
     * @param covered per partition, the next offset after the batch, in both coordinates
     * @param crowdedStates how many changed states keep more siblings than the limits' warning level
     */
    record Result(
            Map<String, KeyState> changed, List<DeadLetter> deadLetters, AppliedPositions covered, int crowdedStates) {}

    /**
     * @param region the region folding: only the region that owns a record's topic dead-letters it, so
     *     each bad event lands in the dead-letter topic once although every region reads every topic;
     *     a mirrored record without an origin offset was never in its origin's topic, so the region that
     *     read it dead-letters it
     * @param current each key's merged state before the batch (empty for a key never written)
     */
    static Result fold(String region, List<CheckedRecord> batch, Function<String, KeyState> current, KeyLimits limits) {
        Map<String, KeyState> changed = new LinkedHashMap<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        Map<EventPartition, Long> read = new HashMap<>();
        Map<EventPartition, Long> origin = new HashMap<>();
        for (CheckedRecord record : batch) {
            EventRecord source = record.source();
            read.merge(source.partition(), source.origin().offset() + 1, Math::max);
            if (source.hasOriginOffset()) {
                origin.merge(source.partition(), source.originOffset() + 1, Math::max);
            }
            if (record.skipped()) {
                continue;
            }
            Optional<String> refusal = record.rejectionReason();
            if (refusal.isEmpty()) {
                String key = record.source().key();
                KeyState before = changed.containsKey(key) ? changed.get(key) : current.apply(key);
                refusal = before.causalityViolation(record.write());
                if (refusal.isEmpty()) {
                    KeyState after = before.receive(record.write(), limits.siblingsPerOrigin());
                    if (!after.equals(before)) {
                        changed.put(key, after);
                    }
                    continue;
                }
            }
            if (record.topicRegion().equals(region) || !source.hasOriginOffset()) {
                deadLetters.add(new DeadLetter(record.source(), refusal.get()));
            }
        }
        int crowded = (int) changed.values().stream()
                .filter(s -> s.siblings().size() > limits.warnSiblings())
                .count();
        return new Result(
                changed, deadLetters, new AppliedPositions(LogPositions.of(read), LogPositions.of(origin)), crowded);
    }
}
