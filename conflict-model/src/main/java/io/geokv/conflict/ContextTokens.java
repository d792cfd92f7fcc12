package io.geokv.conflict;

import java.util.Base64;
import java.util.Objects;

/**
 * Opaque, URL-safe tokens carrying a {@link VersionVector} in HTTP headers: base64url without
 * padding of a format version byte (1) followed by the canonical version vector encoding (see
 * {@link KeyStateCodec}). Each vector has exactly one token, and decoding accepts nothing else.
 */
public final class ContextTokens {

    /** The format version written as the first byte. */
    public static final int FORMAT_VERSION = 1;

    private static final String MALFORMED = "malformed context token";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private ContextTokens() {}

    /** The token of {@code v}. */
    public static String encode(VersionVector v) {
        Objects.requireNonNull(v, "version vector");
        byte[] bytes =
                new CanonicalWriter().byteValue(FORMAT_VERSION).versionVector(v).toByteArray();
        return ENCODER.encodeToString(bytes);
    }

    /**
     * The vector of a token made by {@link #encode}.
     *
     * @throws IllegalArgumentException ("malformed context token ...") for null, blank, non
     *     base64url, padded, truncated or otherwise invalid tokens and trailing bytes
     */
    public static VersionVector decode(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException(MALFORMED + ": missing");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(MALFORMED + ": not base64url", e);
        }
        CanonicalReader r = new CanonicalReader(bytes, MALFORMED);
        VersionVector v = r.decode(() -> {
            int version = r.byteValue();
            if (version != FORMAT_VERSION) {
                throw r.malformed("unsupported format version " + version);
            }
            VersionVector decoded = r.versionVector();
            r.expectEnd();
            return decoded;
        });
        if (!encode(v).equals(token)) {
            throw new IllegalArgumentException(MALFORMED + ": not in canonical form");
        }
        return v;
    }
}
