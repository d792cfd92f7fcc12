package io.geokv.conflict;

import java.util.Arrays;
import java.util.Objects;

/**
 * One write event of a key, as the conflict model sees it.
 *
 * @param eventId unique id of the event (non-blank)
 * @param origin the region whose topic carries the event (non-blank)
 * @param context the causal context the writer had seen; {@code null} is taken as empty
 * @param value the value, or {@code null} for a delete (tombstone); copied on the way in and out
 * @param contentType the content type of the value, may be {@code null}
 * @param timestamp the hybrid logical clock value of the write at its origin
 * @param expiresAt when the value expires, in milliseconds since the epoch, or {@link Sibling#NEVER}
 */
public record Write(
        String eventId,
        String origin,
        VersionVector context,
        byte[] value,
        String contentType,
        long timestamp,
        long expiresAt) {

    public Write {
        Text.requireName(eventId, "event id");
        Text.requireName(origin, "origin region");
        Text.requireWellFormedOrNull(contentType, "content type");
        Expiry.requireValid(expiresAt);
        expiresAt = value == null ? Sibling.NEVER : expiresAt;
        context = context == null ? VersionVector.empty() : context;
        value = value == null ? null : value.clone();
    }

    /** A write that never expires. */
    public Write(
            String eventId, String origin, VersionVector context, byte[] value, String contentType, long timestamp) {
        this(eventId, origin, context, value, contentType, timestamp, Sibling.NEVER);
    }

    /** A copy of the value, or {@code null} for a delete. */
    @Override
    public byte[] value() {
        return value == null ? null : value.clone();
    }

    /** The value without copying; callers must not modify it. */
    byte[] rawValue() {
        return value;
    }

    /** Whether this write deletes the key. */
    public boolean isDelete() {
        return value == null;
    }

    @Override
    public boolean equals(Object o) {
        return this == o
                || (o instanceof Write w
                        && timestamp == w.timestamp
                        && expiresAt == w.expiresAt
                        && eventId.equals(w.eventId)
                        && origin.equals(w.origin)
                        && context.equals(w.context)
                        && Arrays.equals(value, w.value)
                        && Objects.equals(contentType, w.contentType));
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(eventId, origin, context, contentType, timestamp, expiresAt);
        return 31 * h + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Write[eventId=" + eventId + ", origin=" + origin + ", context=" + context
                + ", value=" + Sibling.describe(value) + ", contentType=" + contentType
                + ", timestamp=" + timestamp + (expiresAt == Sibling.NEVER ? "" : ", expiresAt=" + expiresAt) + "]";
    }
}
