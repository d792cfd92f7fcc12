package io.geokv.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The state of one key as the documented merge rule derives it from the whole log.
 *
 * <p>Invariants: every counted dot is either a {@link #siblings() sibling} or {@link #isCovered
 * covered}, never both; {@link #covered()} is the join of the effective contexts of all counted
 * events, and {@link #declaredCovered()} the join of their contexts as written, without the cap, so
 * {@code covered()} dominates {@code declaredCovered()}.
 */
public final class KeyModel {

    private final KeyRef key;
    private final List<CountedEvent> counted;
    private final Map<String, List<Dot>> dotsByEventId;
    private final Map<String, List<EventFate>> fatesByEventId;
    private final TreeMap<String, Long> covered;
    private final TreeMap<String, Long> declaredCovered;
    private final List<CountedEvent> siblings;

    KeyModel(KeyRef key, List<CountedEvent> counted, Map<String, List<EventFate>> fatesByEventId) {
        this.key = key;
        this.counted = List.copyOf(counted);
        this.fatesByEventId = Collections.unmodifiableMap(new HashMap<>(fatesByEventId));
        TreeMap<String, Long> all = new TreeMap<>();
        TreeMap<String, Long> declared = new TreeMap<>();
        Map<String, List<Dot>> dots = new HashMap<>();
        for (CountedEvent c : counted) {
            all = Contexts.join(all, c.effectiveContext());
            declared = Contexts.join(declared, c.event().context());
            dots.computeIfAbsent(c.event().eventId(), id -> new ArrayList<>()).add(c.dot());
        }
        this.covered = all;
        this.declaredCovered = declared;
        this.dotsByEventId = dots;
        List<CountedEvent> kept = new ArrayList<>();
        for (CountedEvent c : counted) {
            if (!Contexts.covers(all, c.dot())) {
                kept.add(c);
            }
        }
        kept.sort((a, b) -> a.dot().compareTo(b.dot()));
        this.siblings = List.copyOf(kept);
    }

    public KeyRef key() {
        return key;
    }

    /** The counted events, per origin in log order. */
    public List<CountedEvent> counted() {
        return counted;
    }

    /** The counted events no counted event's effective context covers, sorted by dot. */
    public List<CountedEvent> siblings() {
        return siblings;
    }

    /**
     * The sibling last-writer-wins shows: the greatest by timestamp, then origin, then event id (then
     * dot), as docs/consistency.md documents; empty when the key has no sibling.
     */
    public Optional<CountedEvent> lastWriterWins() {
        return siblings.stream()
                .max(Comparator.comparingLong((CountedEvent c) -> c.event().timestamp())
                        .thenComparing(c -> c.dot().origin())
                        .thenComparing(c -> c.event().eventId())
                        .thenComparing(CountedEvent::dot));
    }

    /** The siblings' event ids, sorted: what every region's final state must hold. */
    public List<String> siblingEventIds() {
        return siblings.stream().map(s -> s.event().eventId()).sorted().toList();
    }

    /** The join of every counted event's effective context. */
    public Map<String, Long> covered() {
        return Collections.unmodifiableMap(covered);
    }

    /** The join of every counted event's context as written, i.e. without the per-origin cap. */
    public Map<String, Long> declaredCovered() {
        return Collections.unmodifiableMap(declaredCovered);
    }

    /** Whether a counted event supersedes {@code dot}. */
    public boolean isCovered(Dot dot) {
        return Contexts.covers(covered, dot);
    }

    /** Whether {@code dot} is superseded only because of the per-origin cap, not by any writer's context. */
    public boolean isCoveredOnlyByCap(Dot dot) {
        return isCovered(dot) && !Contexts.covers(declaredCovered, dot);
    }

    /**
     * The first dot the event id was counted with. An id can be counted more than once when it is
     * delivered again after another event of its origin (only an immediate repeat is a duplicate).
     */
    public Optional<Dot> dotOf(String eventId) {
        List<Dot> dots = dotsByEventId.get(eventId);
        return dots == null ? Optional.empty() : Optional.of(dots.get(0));
    }

    /** Every dot the event id was counted with, in log order; empty if never counted. */
    public List<Dot> dotsOf(String eventId) {
        return dotsByEventId.getOrDefault(eventId, List.of());
    }

    /** What happened to each record carrying {@code eventId}, in log order; empty if it is not in the log. */
    public List<EventFate> fatesOf(String eventId) {
        return fatesByEventId.getOrDefault(eventId, List.of());
    }
}
