package io.geokv.conflict;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable version vector: for each region, how many of its events (a per-origin prefix) a
 * causal history contains.
 *
 * <p>Entries are kept sorted by region and zero entries are never stored, so two vectors
 * describing the same history are {@link #equals(Object) equal} and print the same, e.g.
 * {@code {eu-west=2, us-east=5}}.
 */
public final class VersionVector {

    private static final VersionVector EMPTY = new VersionVector(new TreeMap<>());

    private final SortedMap<String, Long> counters;

    private VersionVector(TreeMap<String, Long> counters) {
        this.counters = Collections.unmodifiableSortedMap(counters);
    }

    /** The vector of the empty history. */
    public static VersionVector empty() {
        return EMPTY;
    }

    /**
     * A vector from region counters; zero counters are dropped.
     *
     * @throws IllegalArgumentException for a negative or null counter, or a null, blank or
     *     malformed region name
     */
    public static VersionVector of(Map<String, Long> counters) {
        Objects.requireNonNull(counters, "counters");
        TreeMap<String, Long> sorted = new TreeMap<>();
        for (Map.Entry<String, Long> e : counters.entrySet()) {
            String region = Text.requireName(e.getKey(), "version vector region");
            Long counter = e.getValue();
            if (counter == null || counter < 0) {
                throw new IllegalArgumentException(
                        "version vector counter of " + region + " must be >= 0, was " + counter);
            }
            if (counter > 0) {
                sorted.put(region, counter);
            }
        }
        return sorted.isEmpty() ? EMPTY : new VersionVector(sorted);
    }

    /** The counter of {@code region}; 0 when absent. */
    public long get(String region) {
        Long c = counters.get(region);
        return c == null ? 0L : c;
    }

    /** Whether this history contains the event identified by {@code dot}. */
    public boolean covers(Dot dot) {
        return get(dot.region()) >= dot.counter();
    }

    /** Whether this history contains {@code other} (pointwise {@code >=}). */
    public boolean dominates(VersionVector other) {
        if (other.counters.size() > counters.size()) {
            return false;
        }
        for (Map.Entry<String, Long> e : other.counters.entrySet()) {
            if (get(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** How this history relates to {@code other}. */
    public Causality compare(VersionVector other) {
        boolean ge = dominates(other);
        boolean le = other.dominates(this);
        if (ge && le) {
            return Causality.EQUAL;
        }
        if (le) {
            return Causality.BEFORE;
        }
        if (ge) {
            return Causality.AFTER;
        }
        return Causality.CONCURRENT;
    }

    /** The union of both histories (pointwise max). */
    public VersionVector join(VersionVector other) {
        if (dominates(other)) {
            return this;
        }
        if (other.dominates(this)) {
            return other;
        }
        TreeMap<String, Long> merged = new TreeMap<>(counters);
        other.counters.forEach((region, counter) -> merged.merge(region, counter, Math::max));
        return new VersionVector(merged);
    }

    /** This history plus the event {@code dot} (and, being a prefix, all its predecessors). */
    public VersionVector with(Dot dot) {
        if (covers(dot)) {
            return this;
        }
        TreeMap<String, Long> merged = new TreeMap<>(counters);
        merged.put(dot.region(), dot.counter());
        return new VersionVector(merged);
    }

    /** The non-zero counters, sorted by region; unmodifiable. */
    public SortedMap<String, Long> asMap() {
        return counters;
    }

    /** Whether this is the empty history. */
    public boolean isEmpty() {
        return counters.isEmpty();
    }

    /** The total number of events in this history. */
    public long sum() {
        long sum = 0;
        for (long c : counters.values()) {
            sum = Math.addExact(sum, c);
        }
        return sum;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof VersionVector v && counters.equals(v.counters));
    }

    @Override
    public int hashCode() {
        return counters.hashCode();
    }

    @Override
    public String toString() {
        return counters.toString();
    }
}
