package io.geokv.conflict;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Reads what {@link CanonicalWriter} writes, strictly: anything that {@link CanonicalWriter}
 * would not have produced (truncation, non-minimal varints, invalid UTF-8, unsorted or zero
 * entries) fails with an {@link IllegalArgumentException} whose message starts with the
 * {@code what} given at construction.
 */
final class CanonicalReader {

    private final byte[] in;
    private final String what;
    private int pos;

    CanonicalReader(byte[] in, String what) {
        this.in = in;
        this.what = what;
    }

    /**
     * Runs a whole decoding, so that every failure in it (a check of the reader, of the caller, or
     * an unexpected exception) is an {@link IllegalArgumentException} whose message starts with
     * {@code what}.
     */
    <T> T decode(Supplier<T> decoding) {
        try {
            return decoding.get();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(what)) {
                throw e;
            }
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + ": " + e, e);
        }
    }

    IllegalArgumentException malformed(String detail) {
        return new IllegalArgumentException(what + ": " + detail + " (at byte " + pos + ")");
    }

    int remaining() {
        return in.length - pos;
    }

    int byteValue() {
        if (pos >= in.length) {
            throw malformed("truncated");
        }
        return in[pos++] & 0xFF;
    }

    long varLong() {
        long value = 0;
        for (int i = 0; i < 9; i++) {
            int b = byteValue();
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw malformed("non-minimal varint");
                }
                return value;
            }
        }
        throw malformed("varint too long");
    }

    /** A count or length that cannot exceed the bytes left, each item taking at least one. */
    int count() {
        long n = varLong();
        if (n > remaining()) {
            throw malformed("count " + n + " exceeds the " + remaining() + " bytes left");
        }
        return (int) n;
    }

    long fixedLong() {
        if (remaining() < 8) {
            throw malformed("truncated");
        }
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (in[pos++] & 0xFF);
        }
        return value;
    }

    byte[] bytes() {
        int length = count();
        byte[] value = new byte[length];
        System.arraycopy(in, pos, value, 0, length);
        pos += length;
        return value;
    }

    String string() {
        byte[] raw = bytes();
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed("invalid UTF-8");
        }
    }

    VersionVector versionVector() {
        int n = count();
        TreeMap<String, Long> counters = new TreeMap<>();
        String previous = null;
        for (int i = 0; i < n; i++) {
            String region = string();
            long counter = varLong();
            if (previous != null && previous.compareTo(region) >= 0) {
                throw malformed("version vector regions not strictly sorted");
            }
            if (region.isBlank()) {
                throw malformed("blank version vector region");
            }
            if (counter == 0) {
                throw malformed("zero version vector counter");
            }
            counters.put(region, counter);
            previous = region;
        }
        return VersionVector.of(counters);
    }

    void expectEnd() {
        if (pos != in.length) {
            throw malformed(remaining() + " trailing bytes");
        }
    }
}
