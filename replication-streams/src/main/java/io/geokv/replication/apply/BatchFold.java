package io.geokv.replication.apply;

import io.geokv.conflict.KeyLimits;
import io.geokv.conflict.KeyState;
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
 * that has applied everything reports zero lag.
 */
final class BatchFold {

    private BatchFold() {}

    /** A refused record to send to the dead-letter topic, with why. */
    record DeadLetter(EventRecord source, String reason) {}

    /**
     * @param changed the new merged state of every key the batch changed, by record key, in first-change order
     * @param deadLetters what this region dead-letters, in log order
     * @param covered per partition, the next offset after the batch
     * @param crowdedStates how many changed states keep more siblings than the limits' warning level
     */
    record Result(
            Map<String, KeyState> changed, List<DeadLetter> deadLetters, LogPositions covered, int crowdedStates) {}

    /**
     * @param region the region folding: only the region that owns a record's topic dead-letters it, so
     *     each bad event lands in the dead-letter topic once although every region reads every topic
     * @param current each key's merged state before the batch (empty for a key never written)
     */
    static Result fold(String region, List<CheckedRecord> batch, Function<String, KeyState> current, KeyLimits limits) {
        Map<String, KeyState> changed = new LinkedHashMap<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        Map<EventPartition, Long> covered = new HashMap<>();
        for (CheckedRecord record : batch) {
            covered.merge(record.source().partition(), record.source().origin().offset() + 1, Math::max);
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
            if (record.topicRegion().equals(region)) {
                deadLetters.add(new DeadLetter(record.source(), refusal.get()));
            }
        }
        int crowded = (int) changed.values().stream()
                .filter(s -> s.siblings().size() > limits.warnSiblings())
                .count();
        return new Result(changed, deadLetters, LogPositions.of(covered), crowded);
    }
}
