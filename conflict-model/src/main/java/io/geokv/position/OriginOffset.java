package io.geokv.position;

import io.geokv.naming.GeokvNames;
import java.nio.ByteBuffer;
import java.util.OptionalLong;

/**
 * The value of header {@value GeokvNames#ORIGIN_OFFSET_HEADER}, which the mirror stamps on every
 * copy of an event: the event's offset in its origin cluster, 8 bytes, big-endian.
 */
public final class OriginOffset {

    private OriginOffset() {}

    public static byte[] encode(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        return ByteBuffer.allocate(Long.BYTES).putLong(offset).array();
    }

    /** The offset a header value holds; empty for a missing or malformed one. */
    public static OptionalLong decode(byte[] value) {
        if (value == null || value.length != Long.BYTES) {
            return OptionalLong.empty();
        }
        long offset = ByteBuffer.wrap(value).getLong();
        return offset < 0 ? OptionalLong.empty() : OptionalLong.of(offset);
    }
}
