package io.geokv.gateway.kv;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import io.geokv.gateway.problem.Problems;

/** The {@code X-Consistency} levels of PRODUCT.md section 4. */
public enum Consistency {
    EVENTUAL, SESSION, STRONG;

    /** Only the levels this gateway honours today are accepted; asking for a stronger one must not silently weaken it. */
    private static final Consistency[] SUPPORTED = {EVENTUAL};

    public static Consistency parse(String header) {
        if (header == null || header.isBlank()) {
            return EVENTUAL;
        }
        String wanted = header.trim().toUpperCase(Locale.ROOT);
        for (Consistency level : SUPPORTED) {
            if (level.name().equals(wanted)) {
                return level;
            }
        }
        String supported = Arrays.stream(SUPPORTED).map(c -> c.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        boolean known = Arrays.stream(values()).anyMatch(c -> c.name().equals(wanted));
        throw Problems.badRequest("unsupported-consistency", known
                ? "consistency level '" + header.trim() + "' is not available yet; supported: " + supported
                : "unknown consistency level '" + header.trim() + "'; supported: " + supported);
    }
}
