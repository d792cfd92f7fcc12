package io.geokv.conflict;

/** Validation of the text fields of the model (package-private). */
final class Text {

    private Text() {}

    /**
     * Requires a non-null, non-blank, well-formed (no unpaired surrogate) string, so that it has
     * exactly one UTF-8 encoding.
     */
    static String requireName(String value, String what) {
        requireWellFormed(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }

    /** Requires a well-formed string, or {@code null}. */
    static String requireWellFormedOrNull(String value, String what) {
        if (value == null) {
            return null;
        }
        return requireWellFormed(value, what);
    }

    private static String requireWellFormed(String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new IllegalArgumentException(what + " contains an unpaired surrogate");
            }
            if (Character.isLowSurrogate(c)) {
                throw new IllegalArgumentException(what + " contains an unpaired surrogate");
            }
        }
        return value;
    }
}
