package io.geokv.conflict;

import java.util.Comparator;

/**
 * The identity of one event of a key: its origin region and its position {@code counter} (from 1)
 * among the events of that origin on that key, in topic order.
 *
 * <p>Ordered by region, then counter.
 */
public record Dot(String region, long counter) implements Comparable<Dot> {

    private static final Comparator<Dot> ORDER =
            Comparator.comparing(Dot::region).thenComparingLong(Dot::counter);

    public Dot {
        Text.requireName(region, "dot region");
        if (counter < 1) {
            throw new IllegalArgumentException("dot counter must be >= 1, was " + counter);
        }
    }

    @Override
    public int compareTo(Dot other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return region + ":" + counter;
    }
}
