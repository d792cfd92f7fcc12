package io.geokv.conflict;

import java.util.Arrays;
import java.util.Objects;

/**
 * One value of a key that no later write has superseded yet.
 *
 * @param dot the identity of the event that wrote it
 * @param eventId the id of that event (non-blank)
 * @param value the value, or {@code null} for a tombstone; copied on the way in and out
 * @param contentType the content type of the value, may be {@code null}
 * @param timestamp the hybrid logical clock value of the write at its origin
 * @param expiresAt when the write expires, in milliseconds since the epoch, or {@link #NEVER}
 */
public record Sibling(Dot dot, String eventId, byte[] value, String contentType, long timestamp, long expiresAt) {

    /** The {@link #expiresAt} of a value that does not expire. */
    public static final long NEVER = Long.MAX_VALUE;

    public Sibling {
        Objects.requireNonNull(dot, "dot");
        Text.requireName(eventId, "event id");
        Text.requireWellFormedOrNull(contentType, "content type");
        Expiry.requireValid(expiresAt);
        // A delete stays a delete: it has nothing to expire.
        expiresAt = value == null ? NEVER : expiresAt;
        value = value == null ? null : value.clone();
    }

    /** A sibling that never expires. */
    public Sibling(Dot dot, String eventId, byte[] value, String contentType, long timestamp) {
        this(dot, eventId, value, contentType, timestamp, NEVER);
    }

    /** A copy of the value, or {@code null} for a tombstone. */
    @Override
    public byte[] value() {
        return value == null ? null : value.clone();
    }

    /** The value without copying; callers must not modify it. */
    byte[] rawValue() {
        return value;
    }

    /** The value's size in bytes, without copying it; 0 for a tombstone. */
    public int valueLength() {
        return value == null ? 0 : value.length;
    }

    /** Whether this sibling records a delete. */
    public boolean isTombstone() {
        return value == null;
    }

    /** Whether it has an expiry at all. */
    public boolean expires() {
        return expiresAt != NEVER;
    }

    /**
     * What readers see of it at {@code epochMillis}: itself until it expires, from then on a delete
     * with its own dot, event id and timestamp (see {@link KeyState#visibleAt}).
     */
    public Sibling visibleAt(long epochMillis) {
        return epochMillis < expiresAt || isTombstone() ? this : new Sibling(dot, eventId, null, null, timestamp);
    }

    @Override
    public boolean equals(Object o) {
        return this == o
                || (o instanceof Sibling s
                        && timestamp == s.timestamp
                        && expiresAt == s.expiresAt
                        && dot.equals(s.dot)
                        && eventId.equals(s.eventId)
                        && Arrays.equals(value, s.value)
                        && Objects.equals(contentType, s.contentType));
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(dot, eventId, contentType, timestamp, expiresAt);
        return 31 * h + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Sibling[dot=" + dot + ", eventId=" + eventId + ", value=" + describe(value) + ", contentType="
                + contentType + ", timestamp=" + timestamp + (expires() ? ", expiresAt=" + expiresAt : "") + "]";
    }

    static String describe(byte[] value) {
        return value == null ? "<tombstone>" : "<" + value.length + " bytes>";
    }
}
