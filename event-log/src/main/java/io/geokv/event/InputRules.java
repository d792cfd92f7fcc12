package io.geokv.event;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules for user-supplied names and sizes, shared by the gateway (to answer 400/413) and the
 * Streams application (to dead-letter bad events). Each check returns empty when the input is fine,
 * or a message a user understands. Messages quote user input only in short, escaped form.
 */
public final class InputRules {

    /** Longest key, in bytes of UTF-8. */
    public static final int MAX_KEY_BYTES = 512;

    /** Default largest value, in bytes (1 MiB). */
    public static final long DEFAULT_MAX_VALUE_BYTES = 1024L * 1024L;

    /** What a tenant (namespace) id looks like. */
    public static final Pattern TENANT_PATTERN = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private static final int QUOTE_LIMIT = 64;

    private InputRules() {}

    /**
     * A key must be 1 to {@value #MAX_KEY_BYTES} bytes of UTF-8 (well-formed Unicode) and contain no
     * control characters ({@link Character#isISOControl(int)}).
     */
    public static Optional<String> keyViolation(String key) {
        if (key == null) {
            return Optional.of("key is required");
        }
        int bytes = 0;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                    bytes += 4;
                    i++;
                    continue;
                }
                return Optional.of("key is not valid Unicode: unpaired surrogate at character " + i);
            }
            if (Character.isLowSurrogate(c)) {
                return Optional.of("key is not valid Unicode: unpaired surrogate at character " + i);
            }
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        if (bytes < 1 || bytes > MAX_KEY_BYTES) {
            return Optional.of("key must be 1 to " + MAX_KEY_BYTES + " bytes of UTF-8, got " + bytes);
        }
        for (int i = 0; i < key.length(); ) {
            int cp = key.codePointAt(i);
            if (Character.isISOControl(cp)) {
                return Optional.of(
                        String.format("key must not contain control characters; found U+%04X at character %d", cp, i));
            }
            i += Character.charCount(cp);
        }
        return Optional.empty();
    }

    /**
     * A tenant id is 1 to 63 characters of lower-case ASCII letters, digits, '_' and '-', starting
     * with a letter or digit ({@link #TENANT_PATTERN}).
     */
    public static Optional<String> tenantViolation(String tenant) {
        if (tenant == null || tenant.isEmpty()) {
            return Optional.of("tenant is required");
        }
        if (!TENANT_PATTERN.matcher(tenant).matches()) {
            return Optional.of("invalid tenant "
                    + quote(tenant)
                    + ": use 1 to 63 characters of lower-case letters, digits, '_' and '-',"
                    + " starting with a letter or digit");
        }
        return Optional.empty();
    }

    /**
     * A text field of an event (event id, content type, region name) must be present, non-blank,
     * well-formed Unicode of at most {@code maxBytes} bytes of UTF-8, without control characters:
     * PostgreSQL refuses NUL in text, and whatever one region's store refuses would stop that region
     * at the event for good.
     */
    public static Optional<String> textViolation(String field, String value, int maxBytes) {
        if (value == null || value.isBlank()) {
            return Optional.of(field + " must not be blank");
        }
        if (!isWellFormed(value)) {
            return Optional.of(field + " is not valid Unicode (unpaired surrogate)");
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            return Optional.of(field + " must be at most " + maxBytes + " bytes of UTF-8, got " + bytes);
        }
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            if (Character.isISOControl(cp)) {
                return Optional.of(String.format(
                        "%s must not contain control characters; found U+%04X at character %d", field, cp, i));
            }
            i += Character.charCount(cp);
        }
        return Optional.empty();
    }

    /**
     * A region must be one of the configured regions (exact match; callers that accept upper-case
     * input such as {@code US-EAST} normalise it first).
     */
    public static Optional<String> regionViolation(String region, Collection<String> known) {
        String valid = known == null || known.isEmpty()
                ? "no regions are configured"
                : "valid regions: " + String.join(", ", known);
        if (region == null || region.isBlank()) {
            return Optional.of("region is required; " + valid);
        }
        if (known == null || !known.contains(region)) {
            return Optional.of("unknown region " + quote(region) + "; " + valid);
        }
        return Optional.empty();
    }

    /** A value may be at most {@code maxBytes} bytes (a delete, with no value, is always fine). */
    public static Optional<String> valueViolation(long sizeBytes, long maxBytes) {
        if (sizeBytes > maxBytes) {
            return Optional.of("value is " + sizeBytes + " bytes, larger than the limit of " + maxBytes + " bytes");
        }
        return Optional.empty();
    }

    /**
     * Whether a string is well-formed Unicode (no unpaired surrogates), so that it has exactly one
     * UTF-8 encoding. Strings decoded from bytes always are; strings built in code may not be.
     */
    public static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * User input in single quotes for an error message: control characters and unpaired surrogates
     * escaped as {@code \}{@code uXXXX}, and cut to a readable length.
     */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("'");
        int shown = 0;
        for (int i = 0; i < s.length(); i++) {
            if (shown == QUOTE_LIMIT) {
                sb.append("...");
                break;
            }
            char c = s.charAt(i);
            boolean paired =
                    Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                sb.append(c).append(s.charAt(++i));
            } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
            shown++;
        }
        return sb.append('\'').toString();
    }
}
