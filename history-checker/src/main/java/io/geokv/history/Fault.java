package io.geokv.history;

import java.util.Objects;

/**
 * A fault the runner injected, e.g. {@code kill-replication}, {@code redis-restart}, {@code
 * postgres-cut}, {@code duplicate-event}, {@code client-cancel}, {@code clock-skew}.
 *
 * @param region the region it hit, or null for the whole deployment
 * @param endedAtNanos when it was healed; a value before {@code startedAtNanos} (e.g. 0) means it was
 *     never healed
 */
public record Fault(String kind, String region, long startedAtNanos, long endedAtNanos) {

    public Fault {
        Objects.requireNonNull(kind, "kind");
    }

    /** The end of the window, {@link Long#MAX_VALUE} if the fault was never healed. */
    public long effectiveEndedAtNanos() {
        return endedAtNanos < startedAtNanos ? Long.MAX_VALUE : endedAtNanos;
    }

    /** Whether the closed interval {@code [fromNanos, toNanos]} intersects this fault's window. */
    public boolean overlaps(long fromNanos, long toNanos) {
        return fromNanos <= effectiveEndedAtNanos() && startedAtNanos <= toNanos;
    }
}
