package io.geokv.history;

import java.util.Map;

/**
 * A logged event the merge rule counted.
 *
 * @param effectiveContext the event's context joined with {@code {origin: counter -
 *     siblingsPerOrigin}} (the per-origin cap); never covers the event's own dot
 */
public record CountedEvent(LoggedEvent event, Dot dot, Map<String, Long> effectiveContext) {

    public CountedEvent {
        effectiveContext = Map.copyOf(effectiveContext);
        if (Contexts.covers(effectiveContext, dot)) {
            throw new IllegalArgumentException("a counted event cannot cover its own dot " + dot);
        }
    }
}
