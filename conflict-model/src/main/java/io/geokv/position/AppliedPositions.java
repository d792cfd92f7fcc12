package io.geokv.position;

import java.util.Objects;

/**
 * How far a region has applied the event topics its own Kafka cluster holds, in two coordinates:
 *
 * <ul>
 *   <li>{@code read}: offsets of the copies in the region's own cluster, where its replication reads.
 *       They decide what a restarted task skips and read back, and fence a writer that lost its
 *       partitions: they are replication's own business.
 *   <li>{@code origin}: offsets in each topic's origin cluster, the coordinates every other position is
 *       told in (session tokens, a strong write's wait, replay completion, lag), so that a position
 *       means the same in every region.
 * </ul>
 *
 * They are equal for a topic read in its origin cluster: every topic in the single topology, and a
 * region's own topic in the multi topology. A mirrored copy's offsets differ from its origin's (each of
 * its records carries its origin offset); its {@code origin} position may also lag {@code read} where
 * records without an origin offset were read (they move only {@code read}).
 */
public record AppliedPositions(LogPositions read, LogPositions origin) {

    private static final AppliedPositions EMPTY = new AppliedPositions(LogPositions.empty(), LogPositions.empty());

    public AppliedPositions {
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(origin, "origin");
    }

    public static AppliedPositions empty() {
        return EMPTY;
    }

    /** Positions of topics read in their origin cluster: both coordinates are {@code positions}. */
    public static AppliedPositions unmirrored(LogPositions positions) {
        return new AppliedPositions(positions, positions);
    }

    /** Per partition and coordinate, the further of these positions and {@code other}'s. */
    public AppliedPositions join(AppliedPositions other) {
        return new AppliedPositions(read.join(other.read), origin.join(other.origin));
    }

    public boolean isEmpty() {
        return read.isEmpty() && origin.isEmpty();
    }
}
