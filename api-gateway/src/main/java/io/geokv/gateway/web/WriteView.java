package io.geokv.gateway.web;

import io.geokv.event.KvEvents;
import io.geokv.event.avro.KvEvent;
import java.time.Instant;

/**
 * A write as the log holds it, in JSON: {@code op} put or delete, its value as text (or base64 with
 * {@code value_encoding}), content type, event id, origin, HLC timestamp and expiry. Unwrapped into
 * the views of the change feed and of a key's history.
 */
public record WriteView(
        String op,
        String value,
        String valueEncoding,
        String contentType,
        String eventId,
        String origin,
        long timestamp,
        Instant expiresAt) {

    public static WriteView of(KvEvent event) {
        byte[] value = KvEvents.valueBytes(event);
        EncodedValue encoded = value == null ? new EncodedValue(null, null) : EncodedValue.of(value);
        return new WriteView(
                value == null ? "delete" : "put",
                encoded.text(),
                encoded.encoding(),
                value == null ? null : event.getContentType(),
                event.getEventId(),
                event.getOriginRegion(),
                event.getOriginTimestamp(),
                event.getExpiresAt() == null ? null : Instant.ofEpochMilli(event.getExpiresAt()));
    }
}
