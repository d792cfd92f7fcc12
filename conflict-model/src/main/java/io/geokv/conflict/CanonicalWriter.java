package io.geokv.conflict;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes the canonical binary primitives shared by the encodings of this package. Its own buffer
 * rather than a ByteArrayOutputStream, whose every one-byte write takes a lock: a state's
 * encoding is hundreds of such writes, once per state replication commits.
 */
final class CanonicalWriter {

    private byte[] buffer;
    private int size;

    CanonicalWriter() {
        this(64);
    }

    /** @param expectedSize what the encoding will likely take, so that the buffer rarely grows */
    CanonicalWriter(int expectedSize) {
        buffer = new byte[Math.max(16, expectedSize)];
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }

    private void write(int b) {
        ensure(1);
        buffer[size++] = (byte) b;
    }

    CanonicalWriter byteValue(int b) {
        write(b);
        return this;
    }

    /** Unsigned LEB128 of a non-negative long, minimal length. */
    CanonicalWriter varLong(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative varint " + value);
        }
        while ((value & ~0x7FL) != 0) {
            write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        write((int) value);
        return this;
    }

    /** Big-endian 8 bytes. */
    CanonicalWriter fixedLong(long value) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            write((int) (value >>> shift));
        }
        return this;
    }

    CanonicalWriter bytes(byte[] value) {
        varLong(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, buffer, size, value.length);
        size += value.length;
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
        return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
    }
}
