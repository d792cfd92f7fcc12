package io.geokv.event;

import io.geokv.conflict.Sibling;
import io.geokv.conflict.VersionVector;
import io.geokv.conflict.Write;
import io.geokv.event.avro.CausalContext;
import io.geokv.event.avro.ContextEntry;
import io.geokv.event.avro.KvEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Conversions between the Avro event classes and the conflict model, and an event factory. */
public final class KvEvents {

    /** The {@code schemaVersion} of an event with an expiry; one without is written as version 1. */
    public static final int CURRENT_SCHEMA_VERSION = 2;

    /** Content type used when a writer gives none. */
    public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    private KvEvents() {}

    /**
     * The event as the conflict model sees it. The value is copied.
     *
     * @throws IllegalArgumentException if the event breaks the model's rules (blank id or origin,
     *     negative or blank context entries); {@link EventValidator} rejects such events first
     */
    public static Write toWrite(KvEvent e) {
        Objects.requireNonNull(e, "event");
        return new Write(
                e.getEventId(),
                e.getOriginRegion(),
                fromAvro(e.getContext()),
                bytesOrNull(e.getValue()),
                e.getContentType(),
                e.getOriginTimestamp(),
                e.getExpiresAt() == null ? Sibling.NEVER : e.getExpiresAt());
    }

    /** A version vector as an Avro causal context, entries sorted by region. */
    public static CausalContext toAvro(VersionVector v) {
        List<ContextEntry> entries = new ArrayList<>();
        if (v != null) {
            v.asMap().forEach((region, counter) -> entries.add(new ContextEntry(region, counter)));
        }
        return new CausalContext(entries);
    }

    /**
     * An Avro causal context as a version vector. A null context is empty; zero counters are
     * dropped; a region listed twice keeps its highest counter.
     *
     * @throws IllegalArgumentException for a negative counter or a blank region
     */
    public static VersionVector fromAvro(CausalContext c) {
        if (c == null || c.getEntries() == null || c.getEntries().isEmpty()) {
            return VersionVector.empty();
        }
        Map<String, Long> counters = new TreeMap<>();
        for (ContextEntry entry : c.getEntries()) {
            if (entry == null || entry.getRegion() == null) {
                throw new IllegalArgumentException("causal context has an entry without a region");
            }
            counters.merge(entry.getRegion(), entry.getCounter(), Math::max);
        }
        return VersionVector.of(counters);
    }

    /** {@link #newEvent(String, String, String, byte[], String, String, VersionVector, long, long)} that never expires. */
    public static KvEvent newEvent(
            String eventId,
            String tenant,
            String key,
            byte[] valueOrNull,
            String contentType,
            String origin,
            VersionVector context,
            long hlc) {
        return newEvent(eventId, tenant, key, valueOrNull, contentType, origin, context, hlc, Sibling.NEVER);
    }

    /**
     * A new event.
     *
     * @param eventId unique id of the event
     * @param tenant the tenant owning the key
     * @param key the key
     * @param valueOrNull the value (copied), or null for a delete
     * @param contentType the value's media type; null means {@value #DEFAULT_CONTENT_TYPE}
     * @param origin the region accepting the write
     * @param context the causal context the writer had seen; null means empty
     * @param hlc the hybrid logical clock at the origin
     * @param expiresAt when the value expires (milliseconds since the epoch), or {@link Sibling#NEVER}
     */
    public static KvEvent newEvent(
            String eventId,
            String tenant,
            String key,
            byte[] valueOrNull,
            String contentType,
            String origin,
            VersionVector context,
            long hlc,
            long expiresAt) {
        boolean expires = expiresAt != Sibling.NEVER;
        return KvEvent.newBuilder()
                .setEventId(Objects.requireNonNull(eventId, "eventId"))
                .setTenant(Objects.requireNonNull(tenant, "tenant"))
                .setKey(Objects.requireNonNull(key, "key"))
                .setValue(valueOrNull == null ? null : ByteBuffer.wrap(valueOrNull.clone()))
                .setContentType(contentType == null ? DEFAULT_CONTENT_TYPE : contentType)
                .setOriginRegion(Objects.requireNonNull(origin, "origin"))
                .setContext(toAvro(context))
                .setOriginTimestamp(hlc)
                .setSchemaVersion(expires ? CURRENT_SCHEMA_VERSION : 1)
                .setExpiresAt(expires ? expiresAt : null)
                .build();
    }

    /** The event's value bytes (a copy), or null for a delete. */
    public static byte[] valueBytes(KvEvent e) {
        return bytesOrNull(e.getValue());
    }

    private static byte[] bytesOrNull(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer view = buffer.duplicate();
        byte[] out = new byte[view.remaining()];
        view.get(out);
        return out;
    }
}
