package io.geokv.gateway.kv;

import io.geokv.conflict.VersionVector;
import io.geokv.gateway.session.SessionPositions;
import java.util.Optional;

/**
 * A write as the domain sees it, its tokens already opened.
 *
 * @param region the region it was routed to
 * @param value the new value, or null to delete
 * @param context the context the client based the write on ({@code X-Context}); empty for a blind write
 * @param expected the context the key must still have ({@code If-Match}); empty for an unconditional write
 * @param session the positions of the client's session ({@code X-Session}), or none
 */
public record WriteRequest(
        String region,
        KeyRef key,
        byte[] value,
        String contentType,
        Optional<VersionVector> context,
        Optional<VersionVector> expected,
        Consistency level,
        SessionPositions session) {

    /** A blind, eventual write outside any session. */
    public static WriteRequest blind(String region, KeyRef key, byte[] value, String contentType) {
        return new WriteRequest(
                region,
                key,
                value,
                contentType,
                Optional.empty(),
                Optional.empty(),
                Consistency.EVENTUAL,
                SessionPositions.empty());
    }

    /** Whether it is a conditional strong write, which the key's home region arbitrates. */
    public boolean arbitrated() {
        return expected.isPresent() && level == Consistency.STRONG;
    }
}
