package io.geokv.conflict;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The immutable merged state of one key: which events were applied, what their writers had seen,
 * and the values no applied write has superseded (the siblings).
 *
 * <p>The result of applying a set of dotted writes does not depend on the order they are applied
 * in: a dot is a sibling iff it was applied and no applied write's context covers it. Hence every
 * region that has received the same events holds an equal state, with the same
 * {@link #digest() digest} and the same {@link KeyStateCodec#encode encoding}.
 *
 * <p>Invariants (checked when a state is decoded): every sibling's dot is covered by
 * {@link #applied()} and not by {@link #covered()}; siblings are sorted by dot with at most one per
 * dot; a last event id is known for exactly the regions of {@link #applied()}.
 */
public final class KeyState {

    private static final KeyState EMPTY =
            new KeyState(VersionVector.empty(), VersionVector.empty(), new TreeMap<>(), List.of());

    private final VersionVector applied;
    private final VersionVector covered;
    private final SortedMap<String, String> lastEventIds;
    private final List<Sibling> siblings;
    private volatile byte[] encoded;

    private KeyState(
            VersionVector applied,
            VersionVector covered,
            TreeMap<String, String> lastEventIds,
            List<Sibling> siblings) {
        this.applied = applied;
        this.covered = covered;
        this.lastEventIds = Collections.unmodifiableSortedMap(lastEventIds);
        this.siblings = List.copyOf(siblings);
    }

    /** The state of a key that never received anything. */
    public static KeyState empty() {
        return EMPTY;
    }

    /**
     * Rebuilds a state from its parts, checking the invariants (used by the codec).
     *
     * @throws IllegalArgumentException if the parts violate an invariant
     */
    static KeyState restore(
            VersionVector applied, VersionVector covered, Map<String, String> lastEventIds, List<Sibling> siblings) {
        Objects.requireNonNull(applied, "applied");
        Objects.requireNonNull(covered, "covered");
        TreeMap<String, String> ids = new TreeMap<>();
        lastEventIds.forEach(
                (region, id) -> ids.put(Text.requireName(region, "region"), Text.requireName(id, "last event id")));
        if (!ids.keySet().equals(applied.asMap().keySet())) {
            throw new IllegalArgumentException("last event ids are known for regions " + ids.keySet()
                    + " but applied regions are " + applied.asMap().keySet());
        }
        Dot previous = null;
        for (Sibling s : siblings) {
            if (previous != null && previous.compareTo(s.dot()) >= 0) {
                throw new IllegalArgumentException("siblings are not strictly sorted by dot at " + s.dot());
            }
            if (!applied.covers(s.dot())) {
                throw new IllegalArgumentException("sibling " + s.dot() + " was never applied");
            }
            if (covered.covers(s.dot())) {
                throw new IllegalArgumentException("sibling " + s.dot() + " is superseded");
            }
            previous = s.dot();
        }
        if (applied.isEmpty() && covered.isEmpty()) {
            return EMPTY;
        }
        return new KeyState(applied, covered, ids, siblings);
    }

    /**
     * Receives the next event of {@code w.origin()} in that origin's log order.
     *
     * <p>If {@code w.eventId()} is the id of the last event counted from that origin this is a
     * duplicate delivery and the state is returned unchanged. Otherwise the write gets the dot
     * {@code (origin, applied().get(origin) + 1)} and is {@link #apply applied}.
     */
    public KeyState receive(Write w) {
        return receive(w, Integer.MAX_VALUE);
    }

    /**
     * {@link #receive(Write)} with at most {@code siblingsPerOrigin} unsuperseded writes per origin:
     * the write {@code (origin, n)} also supersedes its origin's writes up to {@code n -
     * siblingsPerOrigin}, as if its writer had seen them. This depends only on the origin's log
     * order, so every region decides the same (see {@link KeyLimits}).
     *
     * @throws IllegalArgumentException if {@code siblingsPerOrigin < 1}, or the write claims to have
     *     seen itself ({@link #causalityViolation})
     */
    public KeyState receive(Write w, int siblingsPerOrigin) {
        Objects.requireNonNull(w, "write");
        if (siblingsPerOrigin < 1) {
            throw new IllegalArgumentException("siblings per origin must be at least 1, not " + siblingsPerOrigin);
        }
        if (isDuplicate(w)) {
            return this;
        }
        causalityViolation(w).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        Dot dot = new Dot(w.origin(), applied.get(w.origin()) + 1);
        long supersededUpTo = dot.counter() - siblingsPerOrigin;
        if (supersededUpTo > w.context().get(w.origin())) {
            w = new Write(
                    w.eventId(),
                    w.origin(),
                    w.context().with(new Dot(w.origin(), supersededUpTo)),
                    w.rawValue(),
                    w.contentType(),
                    w.timestamp(),
                    w.expiresAt());
        }
        return apply(dot, w);
    }

    /** Whether {@link #receive} would take {@code w} for a repeated delivery of the last event of its origin. */
    public boolean isDuplicate(Write w) {
        return w.eventId().equals(lastEventIds.get(w.origin()));
    }

    /**
     * Why {@link #receive} must refuse {@code w}, if it must: the write would get the dot {@code
     * (origin, n)}, but its context claims {@code n} or more events of its own origin. No writer can
     * have seen its own write or a later one of its origin; such a context (forged, or taken from
     * another key) would make the write, and the origin's next writes up to the claimed counter,
     * supersede themselves: acknowledged but never visible. The answer depends only on the origin's
     * log order, so every region refuses the same events.
     */
    public Optional<String> causalityViolation(Write w) {
        long next = applied.get(w.origin()) + 1;
        long claimed = w.context().get(w.origin());
        if (claimed < next || isDuplicate(w)) {
            return Optional.empty();
        }
        return Optional.of("context claims " + claimed + " events of origin " + w.origin()
                + " on this key, but this event is only its event number " + next
                + ": a writer cannot have seen its own write or later ones (a context of another key?)");
    }

    /**
     * Merges a write whose dot is already known. Idempotent: applying the same dotted write twice
     * gives the same state as once. If {@code dot} is the highest dot applied from its region, the
     * write's event id becomes that region's last event id (used by {@link #receive}).
     *
     * @throws IllegalArgumentException if the dot's region is not the write's origin
     */
    public KeyState apply(Dot dot, Write w) {
        Objects.requireNonNull(dot, "dot");
        Objects.requireNonNull(w, "write");
        if (!dot.region().equals(w.origin())) {
            throw new IllegalArgumentException("dot " + dot + " does not belong to origin " + w.origin());
        }
        VersionVector context = w.context();
        VersionVector newCovered = covered.join(context);
        VersionVector newApplied = applied.with(dot);

        List<Sibling> newSiblings = new ArrayList<>(siblings.size() + 1);
        boolean present = false;
        for (Sibling s : siblings) {
            if (context.covers(s.dot())) {
                continue;
            }
            present |= s.dot().equals(dot);
            newSiblings.add(s);
        }
        if (!present && !newCovered.covers(dot)) {
            int at = 0;
            while (at < newSiblings.size() && newSiblings.get(at).dot().compareTo(dot) < 0) {
                at++;
            }
            newSiblings.add(
                    at, new Sibling(dot, w.eventId(), w.rawValue(), w.contentType(), w.timestamp(), w.expiresAt()));
        }

        TreeMap<String, String> newIds = new TreeMap<>(lastEventIds);
        if (dot.counter() > applied.get(dot.region())) {
            newIds.put(dot.region(), w.eventId());
        }
        return new KeyState(newApplied, newCovered, newIds, newSiblings);
    }

    /**
     * The state holding the events of both states, as if one region had received them all: what a
     * strong read answers from the states of several regions.
     *
     * <p>Both states must come from the same logs (each region applies every origin's events in that
     * origin's order, so one state's events from an origin are a prefix of the other's). A sibling
     * survives iff it is a sibling of either state and no event of either covers it.
     */
    public KeyState merge(KeyState other) {
        Objects.requireNonNull(other, "other");
        VersionVector mergedCovered = covered.join(other.covered);
        TreeMap<Dot, Sibling> survivors = new TreeMap<>();
        for (List<Sibling> side : List.of(siblings, other.siblings)) {
            for (Sibling s : side) {
                if (!mergedCovered.covers(s.dot())) {
                    survivors.putIfAbsent(s.dot(), s);
                }
            }
        }
        TreeMap<String, String> ids = new TreeMap<>(lastEventIds);
        other.lastEventIds.forEach((region, id) -> {
            if (other.applied.get(region) > applied.get(region)) {
                ids.put(region, id);
            }
        });
        return restore(applied.join(other.applied), mergedCovered, ids, new ArrayList<>(survivors.values()));
    }

    /** Per origin, the highest dot counter applied. */
    public VersionVector applied() {
        return applied;
    }

    /** The join of the contexts of every applied write. */
    public VersionVector covered() {
        return covered;
    }

    /**
     * What a reader of this state has seen: {@code applied().join(covered())}. A client write
     * carrying it supersedes every current sibling.
     */
    public VersionVector context() {
        return applied.join(covered);
    }

    /** The values not yet superseded, tombstones included, sorted by dot; unmodifiable. */
    public List<Sibling> siblings() {
        return siblings;
    }

    /**
     * The state as readers see it at {@code epochMillis}: every sibling whose value has expired by
     * then reads as a delete with its own dot, event id and timestamp ({@link Expiry}). Causality is
     * untouched (same applied and covered contexts), so a write with this state's context still
     * supersedes the expired values. Under last-writer-wins a key whose newest value has expired
     * reads as deleted even where an older concurrent value has not; under {@code siblings} an
     * expired value simply stops being shown. This is a view: the state itself, what regions store
     * and compare, does not change at expiry.
     *
     * @return this state when nothing has expired by then
     */
    public KeyState visibleAt(long epochMillis) {
        if (siblings.stream().allMatch(s -> s.visibleAt(epochMillis) == s)) {
            return this;
        }
        return new KeyState(
                applied,
                covered,
                new TreeMap<>(lastEventIds),
                siblings.stream().map(s -> s.visibleAt(epochMillis)).toList());
    }

    /**
     * The first instant after {@code epochMillis} at which {@link #visibleAt} changes (the earliest
     * expiry still to come), or {@link Sibling#NEVER}: how long a cache may keep this state.
     */
    public long nextExpiryAfter(long epochMillis) {
        long next = Sibling.NEVER;
        for (Sibling s : siblings) {
            if (s.expiresAt() > epochMillis) {
                next = Math.min(next, s.expiresAt());
            }
        }
        return next;
    }

    /** Per origin, the event id of the highest dot applied from it; unmodifiable. */
    public SortedMap<String, String> lastEventIds() {
        return lastEventIds;
    }

    /**
     * {@code applied().sum()}: grows by exactly one per event counted by {@link #receive}, so
     * sinks can use it as a monotonic guard.
     */
    public long version() {
        return applied.sum();
    }

    /** Whether this key never received anything. */
    public boolean isEmpty() {
        return applied.isEmpty();
    }

    /** SHA-256 of the canonical encoding ({@link KeyStateCodec#encode}). */
    public byte[] digest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(encoded());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The canonical encoding, computed once; callers must not modify it. */
    byte[] encoded() {
        byte[] bytes = encoded;
        if (bytes == null) {
            bytes = KeyStateCodec.encodeFresh(this);
            encoded = bytes;
        }
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return this == o
                || (o instanceof KeyState s
                        && applied.equals(s.applied)
                        && covered.equals(s.covered)
                        && lastEventIds.equals(s.lastEventIds)
                        && siblings.equals(s.siblings));
    }

    @Override
    public int hashCode() {
        return Objects.hash(applied, covered, lastEventIds, siblings);
    }

    @Override
    public String toString() {
        return "KeyState{applied=" + applied + ", covered=" + covered + ", lastEventIds=" + lastEventIds + ", siblings="
                + siblings + "}";
    }
}
