package io.geokv.position;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Positions in the event log: for each {@link EventPartition}, the next offset, exclusive (so "the
 * event at offset o is covered" is {@code o < next}). Partitions not named are at 0: nothing of them
 * is covered. Immutable; entries are always positive.
 *
 * <p>It is both what a region has applied (its {@code applied_offsets}) and what a reader needs
 * applied (a session's writes, a key's log end): {@link #coveredBy} compares the two, and
 * {@link #recordsBehind} is the one definition of how far behind one is of the other.
 */
public final class LogPositions {

    private static final LogPositions EMPTY = new LogPositions(new TreeMap<>());

    private final SortedMap<EventPartition, Long> next;

    private LogPositions(TreeMap<EventPartition, Long> next) {
        this.next = Collections.unmodifiableSortedMap(next);
    }

    public static LogPositions empty() {
        return EMPTY;
    }

    /** Positions from a map of next offsets; entries at 0 are dropped. */
    public static LogPositions of(Map<EventPartition, Long> nextOffsets) {
        TreeMap<EventPartition, Long> copy = new TreeMap<>();
        nextOffsets.forEach((partition, offset) -> {
            requireNotNegative(offset);
            if (offset > 0) {
                copy.put(partition, offset);
            }
        });
        return new LogPositions(copy);
    }

    /** These positions, with {@code partition} at least at {@code nextOffset}. */
    public LogPositions with(EventPartition partition, long nextOffset) {
        requireNotNegative(nextOffset);
        if (nextOffset <= next(partition)) {
            return this;
        }
        TreeMap<EventPartition, Long> joined = new TreeMap<>(next);
        joined.put(partition, nextOffset);
        return new LogPositions(joined);
    }

    /** Per partition, the further of these positions and {@code other}'s. */
    public LogPositions join(LogPositions other) {
        if (other.next.isEmpty()) {
            return this;
        }
        TreeMap<EventPartition, Long> joined = new TreeMap<>(next);
        other.next.forEach((partition, offset) -> joined.merge(partition, offset, Math::max));
        return new LogPositions(joined);
    }

    /** The next offset of {@code partition}; 0 when it is not named. */
    public long next(EventPartition partition) {
        return next.getOrDefault(partition, 0L);
    }

    /** Whether {@code applied} has reached every one of these positions. */
    public boolean coveredBy(LogPositions applied) {
        return next.entrySet().stream().allMatch(e -> applied.next(e.getKey()) >= e.getValue());
    }

    /**
     * How many records of the partitions {@code which} accepts lie between {@code applied} and these
     * positions (read as log ends); partitions where {@code applied} is further count 0.
     */
    public long recordsBehind(LogPositions applied, Predicate<EventPartition> which) {
        return next.entrySet().stream()
                .filter(e -> which.test(e.getKey()))
                .mapToLong(e -> Math.max(0, e.getValue() - applied.next(e.getKey())))
                .sum();
    }

    /** The positions as a sorted, unmodifiable map. */
    public SortedMap<EventPartition, Long> asMap() {
        return next;
    }

    public boolean isEmpty() {
        return next.isEmpty();
    }

    private static void requireNotNegative(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogPositions p && next.equals(p.next);
    }

    @Override
    public int hashCode() {
        return next.hashCode();
    }

    @Override
    public String toString() {
        return next.toString();
    }
}
