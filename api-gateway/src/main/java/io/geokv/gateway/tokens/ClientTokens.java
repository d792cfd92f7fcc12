package io.geokv.gateway.tokens;

import io.geokv.conflict.ContextTokens;
import io.geokv.conflict.VersionVector;
import io.geokv.gateway.session.SessionPositions;

/**
 * The tokens clients carry between requests: {@code X-Context} (a causal context, see
 * {@link ContextTokens}) and {@code X-Session} (the {@link SessionPositions} of a session's writes),
 * each sealed for its purpose so that neither can be forged nor passed off as the other.
 *
 * <p>A context token is also sealed for the tenant and key it was read from. A context is a claim
 * about one key's history: presented with another key, its counters would cover dots that key has
 * not reached yet, and the merge would take the key's next writes as already superseded. So a
 * context token opens only for the tenant and key it was issued for.
 */
public final class ClientTokens {

    private static final String CONTEXT = "context";
    private static final String SESSION = "session";
    private static final String CURSOR = "cursor";

    private final TokenSeal seal;

    public ClientTokens(TokenSeal seal) {
        this.seal = seal;
    }

    /** The token of the context of {@code key} of {@code tenant}. */
    public String context(VersionVector context, String tenant, String key) {
        return seal.seal(contextPurpose(tenant, key), ContextTokens.encode(context));
    }

    /**
     * @throws IllegalArgumentException ("malformed context token: ...") when it is not one this deployment
     *     issued for {@code key} of {@code tenant}
     */
    public VersionVector context(String token, String tenant, String key) {
        try {
            return ContextTokens.decode(seal.open(contextPurpose(tenant, key), token));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    e.getMessage().startsWith("malformed context token")
                            ? e.getMessage()
                            : "malformed context token: " + e.getMessage(),
                    e);
        }
    }

    private static String sessionPurpose(String tenant) {
        return SESSION + '\0' + tenant;
    }

    /** Tenants and keys have no control characters, so the NUL separators make the purpose unambiguous. */
    private static String contextPurpose(String tenant, String key) {
        return CONTEXT + '\0' + tenant + '\0' + key;
    }

    /** The token of a session of {@code tenant}. */
    public String session(SessionPositions positions, String tenant) {
        return seal.seal(sessionPurpose(tenant), positions.encode());
    }

    /**
     * @throws IllegalArgumentException ("malformed session token: ...") when it is not one this
     *     deployment issued for {@code tenant}
     */
    public SessionPositions session(String token, String tenant) {
        try {
            return SessionPositions.decode(seal.open(sessionPurpose(tenant), token));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed session token: " + e.getMessage(), e);
        }
    }

    /** A change feed cursor ({@code payload}, URL-safe) of {@code tenant}, sealed. */
    public String cursor(String payload, String tenant) {
        return seal.seal(CURSOR + '\0' + tenant, payload);
    }

    /**
     * The payload of a change feed cursor.
     *
     * @throws IllegalArgumentException when it is not one this deployment issued for {@code tenant}
     */
    public String openCursor(String token, String tenant) {
        return seal.open(CURSOR + '\0' + tenant, token);
    }

    /**
     * The causal context in a context token, without checking its seal: for trusted writers that
     * produce events straight to Kafka with a context they read over HTTP.
     */
    public static VersionVector unsealedContext(String token) {
        return ContextTokens.decode(TokenSeal.payloadOf(token));
    }
}
