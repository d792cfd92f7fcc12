package io.geokv.gateway.kv;

import io.geokv.conflict.VersionVector;
import io.geokv.gateway.session.SessionPositions;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A write as the domain sees it, its tokens already opened.
 *
 * @param region the region it was routed to
 * @param value the new value, or null to delete
 * @param context the context the client based the write on ({@code X-Context}); empty for a blind write
 * @param expected the context the key must still have ({@code If-Match}); empty for an unconditional write
 * @param session the positions of the client's session ({@code X-Session}), or none
 * @param ttlSeconds how long the value lives ({@code ttl}, checked by {@link
 *     io.geokv.conflict.Expiry#after}); empty: it does not expire. Never with a delete
 */
public record WriteRequest(
        String region,
        KeyRef key,
        byte[] value,
        String contentType,
        Optional<VersionVector> context,
        Optional<VersionVector> expected,
        Consistency level,
        SessionPositions session,
        OptionalLong ttlSeconds) {

    public WriteRequest {
        if (value == null && ttlSeconds.isPresent()) {
            throw KvProblem.invalid("invalid-ttl", "a delete has no ttl");
        }
    }

    /** A blind, eventual write outside any session. */
    public static WriteRequest blind(
            String region, KeyRef key, byte[] value, String contentType, OptionalLong ttlSeconds) {
        return new WriteRequest(
                region,
                key,
                value,
                contentType,
                Optional.empty(),
                Optional.empty(),
                Consistency.EVENTUAL,
                SessionPositions.empty(),
                ttlSeconds);
    }

    /** Whether it is a conditional strong write, which the key's home region arbitrates. */
    public boolean arbitrated() {
        return expected.isPresent() && level == Consistency.STRONG;
    }
}
