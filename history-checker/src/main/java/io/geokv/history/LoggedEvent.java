package io.geokv.history;

import java.util.Map;
import java.util.Objects;

/**
 * One record of an origin's event topic ({@code kv-events.<origin>}), exported at the end of a run.
 *
 * @param partitionOffset position within the origin's partition for this key: the order every region
 *     receives the origin's events in
 * @param context what the writer had seen: region to counter
 * @param value the value written, null for a delete (tombstone)
 * @param timestamp the hybrid-logical-clock timestamp (only used by resolution policies, not the merge)
 */
public record LoggedEvent(
        String origin,
        long partitionOffset,
        String eventId,
        String tenant,
        String key,
        Map<String, Long> context,
        String value,
        long timestamp) {

    public LoggedEvent {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(key, "key");
        context = context == null ? Map.of() : Map.copyOf(context);
    }

    /** The key this event is about. */
    public KeyRef keyRef() {
        return new KeyRef(tenant, key);
    }
}
