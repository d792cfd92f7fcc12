package io.geokv.store.postgres;

import java.util.Objects;

/**
 * How far a region has applied one origin topic partition.
 *
 * @param topic      origin topic, e.g. {@code kv-events.us-east}
 * @param partition  partition of that topic
 * @param nextOffset the next offset whose effect is NOT yet in the region's database
 *                   (so "offset o is applied" is {@code o < nextOffset})
 */
public record AppliedOffset(String topic, int partition, long nextOffset) {

    public AppliedOffset {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must not be negative: " + partition);
        }
        if (nextOffset < 0) {
            throw new IllegalArgumentException("next offset must not be negative: " + nextOffset);
        }
    }

    /** Whether the event at {@code offset} of this topic partition is in the database. */
    public boolean covers(long offset) {
        return offset < nextOffset;
    }
}
