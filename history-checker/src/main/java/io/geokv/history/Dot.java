package io.geokv.history;

import java.util.Comparator;
import java.util.Objects;

/**
 * The identity of a counted event of a key: its origin and its position {@code counter} (from 1)
 * among the counted events of that origin on that key, in the origin's log order. Ordered by origin,
 * then counter.
 */
public record Dot(String origin, long counter) implements Comparable<Dot> {

    private static final Comparator<Dot> ORDER =
            Comparator.comparing(Dot::origin).thenComparingLong(Dot::counter);

    public Dot {
        Objects.requireNonNull(origin, "origin");
        if (counter < 1) {
            throw new IllegalArgumentException("a dot's counter starts at 1, not " + counter);
        }
    }

    @Override
    public int compareTo(Dot other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return origin + ":" + counter;
    }
}
