package io.geokv.gateway.kv;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The {@code X-Consistency} levels of docs/product.md, 'Consistency levels'. */
public enum Consistency {
    EVENTUAL,
    SESSION,
    STRONG;

    /**
     * The level a request asks for: the header when given; otherwise {@code session} when the request
     * carries a session token, else {@code eventual}.
     *
     * @throws KvProblem invalid, naming the levels for an unknown one
     */
    public static Consistency of(String header, boolean hasSessionToken) {
        if (header == null || header.isBlank()) {
            return hasSessionToken ? SESSION : EVENTUAL;
        }
        String wanted = header.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(level -> level.name().equals(wanted))
                .findFirst()
                .orElseThrow(() -> KvProblem.invalid(
                        "unknown-consistency",
                        "unknown consistency level '"
                                + header.trim() + "'; the levels are "
                                + Arrays.stream(values()).map(Consistency::wire).collect(Collectors.joining(", "))));
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
