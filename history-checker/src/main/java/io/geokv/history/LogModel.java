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
 * An independent re-implementation of geokv's documented merge rule, computed from the whole
 * exported log rather than event by event.
 *
 * <p>Per key and origin, in {@code partitionOffset} order, with {@code n} the number of events of
 * that origin counted so far plus one:
 *
 * <ol>
 *   <li>an event whose id equals the previous <em>counted</em> event's id of that origin is a
 *       {@link EventFate#DUPLICATE duplicate}: not counted;
 *   <li>an event whose context claims {@code n} or more for its own origin is {@link
 *       EventFate#REFUSED refused} (dead-lettered): not counted;
 *   <li>otherwise it gets the dot {@code (origin, n)}; its effective context is its context joined
 *       with {@code {origin: n - siblingsPerOrigin}} (the per-origin cap).
 * </ol>
 *
 * A counted dot is a sibling iff no counted event's effective context covers it. Since each origin's
 * order is fixed by its partition and the siblings are defined from the set of counted events, the
 * result does not depend on how the origins' logs interleave.
 */
public final class LogModel {

    private static final Comparator<LoggedEvent> LOG_ORDER = Comparator.comparingLong(LoggedEvent::partitionOffset);

    private final Map<KeyRef, KeyModel> keys;

    private LogModel(Map<KeyRef, KeyModel> keys) {
        this.keys = Collections.unmodifiableMap(keys);
    }

    /** Derives every key's model from {@code log}. */
    public static LogModel of(List<LoggedEvent> log, int siblingsPerOrigin) {
        if (siblingsPerOrigin < 1) {
            throw new IllegalArgumentException("siblingsPerOrigin must be at least 1, not " + siblingsPerOrigin);
        }
        Map<KeyRef, Map<String, List<LoggedEvent>>> byKeyAndOrigin = new TreeMap<>();
        for (LoggedEvent e : log) {
            byKeyAndOrigin
                    .computeIfAbsent(e.keyRef(), k -> new TreeMap<>())
                    .computeIfAbsent(e.origin(), o -> new ArrayList<>())
                    .add(e);
        }
        Map<KeyRef, KeyModel> keys = new TreeMap<>();
        byKeyAndOrigin.forEach((key, origins) -> keys.put(key, model(key, origins, siblingsPerOrigin)));
        return new LogModel(keys);
    }

    /** {@link #of(List, int)} for a history's log and cap. */
    public static LogModel of(History history) {
        return of(history.log(), history.siblingsPerOrigin());
    }

    private static KeyModel model(KeyRef key, Map<String, List<LoggedEvent>> origins, int cap) {
        List<CountedEvent> counted = new ArrayList<>();
        Map<String, List<EventFate>> fates = new HashMap<>();
        origins.forEach((origin, events) -> {
            List<LoggedEvent> ordered = new ArrayList<>(events);
            ordered.sort(LOG_ORDER);
            long countedSoFar = 0;
            String lastCountedId = null;
            for (LoggedEvent e : ordered) {
                EventFate fate;
                long n = countedSoFar + 1;
                if (e.eventId().equals(lastCountedId)) {
                    fate = EventFate.DUPLICATE;
                } else if (Contexts.get(e.context(), origin) >= n) {
                    fate = EventFate.REFUSED;
                } else {
                    fate = EventFate.COUNTED;
                    countedSoFar = n;
                    lastCountedId = e.eventId();
                    TreeMap<String, Long> effective = new TreeMap<>(e.context());
                    long cappedUpTo = n - cap;
                    if (cappedUpTo > Contexts.get(effective, origin)) {
                        effective.put(origin, cappedUpTo);
                    }
                    counted.add(new CountedEvent(e, new Dot(origin, n), effective));
                }
                fates.computeIfAbsent(e.eventId(), id -> new ArrayList<>()).add(fate);
            }
        });
        return new KeyModel(key, counted, fates);
    }

    /** The model of {@code key}, if the log has any event of it. */
    public Optional<KeyModel> key(KeyRef key) {
        return Optional.ofNullable(keys.get(key));
    }

    /** Every key the log mentions, sorted. */
    public Map<KeyRef, KeyModel> keys() {
        return keys;
    }
}
