package io.geokv.conflict;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes the canonical binary primitives shared by the encodings of this package. */
final class CanonicalWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    CanonicalWriter byteValue(int b) {
        out.write(b);
        return this;
    }

    /** Unsigned LEB128 of a non-negative long, minimal length. */
    CanonicalWriter varLong(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative varint " + value);
        }
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
        return this;
    }

    /** Big-endian 8 bytes. */
    CanonicalWriter fixedLong(long value) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (value >>> shift));
        }
        return this;
    }

    CanonicalWriter bytes(byte[] value) {
        varLong(value.length);
        out.writeBytes(value);
        return this;
    }

    /** UTF-8 with a length prefix; the strings of the model are well-formed. */
    CanonicalWriter string(String value) {
        return bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Entry count, then (region, counter) in region order. */
    CanonicalWriter versionVector(VersionVector v) {
        Map<String, Long> counters = v.asMap();
        varLong(counters.size());
        counters.forEach((region, counter) -> string(region).varLong(counter));
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
