package io.geokv.conflict;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The canonical binary encoding of a {@link KeyState}: equal states have equal bytes and
 * {@code decode(encode(s)).equals(s)}. Decoding is strict, so it also holds that a successfully
 * decoded input is exactly {@code encode} of the result.
 *
 * <p>Format version 1 (varint = unsigned LEB128, minimal; string = varint length + UTF-8):
 * <pre>
 *   u8      format version (1)
 *   vv      applied        vv = varint n, then n x (string region, varint counter &gt;= 1),
 *   vv      covered             regions strictly ascending
 *   varint  m, then m x (string region, string last event id), regions strictly ascending
 *   varint  k, then k x sibling, dots strictly ascending:
 *             string region, varint counter, string event id,
 *             u8 flags (bit 0: value present, bit 1: content type present, bit 2: expiry present
 *             (only with a value), others 0), [varint length + value bytes], [string content type],
 *             i64 big-endian timestamp, [i64 big-endian expiry in milliseconds since the epoch]
 * </pre>
 * A state without expiries (every state written before they existed) encodes as it always did; a
 * reader of a version without expiries refuses a state that has one.
 */
public final class KeyStateCodec {

    /** The format version written as the first byte. */
    public static final int FORMAT_VERSION = 1;

    private static final int HAS_VALUE = 1;
    private static final int HAS_CONTENT_TYPE = 2;
    private static final int HAS_EXPIRY = 4;
    private static final String MALFORMED = "malformed key state encoding";

    private KeyStateCodec() {}

    /** The canonical bytes of {@code s} (a fresh array). */
    public static byte[] encode(KeyState s) {
        Objects.requireNonNull(s, "state");
        return s.encoded().clone();
    }

    static byte[] encodeFresh(KeyState s) {
        CanonicalWriter w = new CanonicalWriter(expectedSize(s))
                .byteValue(FORMAT_VERSION)
                .versionVector(s.applied())
                .versionVector(s.covered());
        Map<String, String> ids = s.lastEventIds();
        w.varLong(ids.size());
        ids.forEach((region, id) -> w.string(region).string(id));
        w.varLong(s.siblings().size());
        for (Sibling sib : s.siblings()) {
            w.string(sib.dot().region()).varLong(sib.dot().counter()).string(sib.eventId());
            int flags = (sib.isTombstone() ? 0 : HAS_VALUE)
                    | (sib.contentType() == null ? 0 : HAS_CONTENT_TYPE)
                    | (sib.expires() ? HAS_EXPIRY : 0);
            w.byteValue(flags);
            if (!sib.isTombstone()) {
                w.bytes(sib.rawValue());
            }
            if (sib.contentType() != null) {
                w.string(sib.contentType());
            }
            w.fixedLong(sib.timestamp());
            if (sib.expires()) {
                w.fixedLong(sib.expiresAt());
            }
        }
        return w.toByteArray();
    }

    /** A generous guess at the encoding's size: regions, ids and timestamps at their usual lengths. */
    private static int expectedSize(KeyState s) {
        int size = 16
                + 24 * (s.applied().asMap().size() + s.covered().asMap().size())
                + 64 * s.lastEventIds().size();
        for (Sibling sib : s.siblings()) {
            size += 80
                    + sib.valueLength()
                    + (sib.contentType() == null ? 0 : sib.contentType().length());
        }
        return size;
    }

    /**
     * Decodes what {@link #encode} produced.
     *
     * @throws IllegalArgumentException if the bytes are null, truncated, of an unknown format
     *     version, not canonical, or describe an impossible state
     */
    public static KeyState decode(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException(MALFORMED + ": null input");
        }
        CanonicalReader r = new CanonicalReader(bytes, MALFORMED);
        return r.decode(() -> {
            int version = r.byteValue();
            if (version != FORMAT_VERSION) {
                throw r.malformed("unsupported format version " + version);
            }
            VersionVector applied = r.versionVector();
            VersionVector covered = r.versionVector();

            int m = r.count();
            TreeMap<String, String> ids = new TreeMap<>();
            String previous = null;
            for (int i = 0; i < m; i++) {
                String region = r.string();
                String id = r.string();
                if (previous != null && previous.compareTo(region) >= 0) {
                    throw r.malformed("last event id regions not strictly sorted");
                }
                ids.put(region, id);
                previous = region;
            }

            int k = r.count();
            List<Sibling> siblings = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                String region = r.string();
                long counter = r.varLong();
                String eventId = r.string();
                int flags = r.byteValue();
                if ((flags & ~(HAS_VALUE | HAS_CONTENT_TYPE | HAS_EXPIRY)) != 0
                        || (flags & (HAS_VALUE | HAS_EXPIRY)) == HAS_EXPIRY) {
                    throw r.malformed("unknown sibling flags " + flags);
                }
                byte[] value = (flags & HAS_VALUE) != 0 ? r.bytes() : null;
                String contentType = (flags & HAS_CONTENT_TYPE) != 0 ? r.string() : null;
                long timestamp = r.fixedLong();
                long expiresAt = Sibling.NEVER;
                if ((flags & HAS_EXPIRY) != 0) {
                    expiresAt = r.fixedLong();
                    if (expiresAt == Sibling.NEVER
                            || Expiry.violation(expiresAt).isPresent()) {
                        throw r.malformed("sibling expiry " + expiresAt);
                    }
                }
                siblings.add(new Sibling(new Dot(region, counter), eventId, value, contentType, timestamp, expiresAt));
            }
            r.expectEnd();
            return KeyState.restore(applied, covered, ids, siblings);
        });
    }
}
