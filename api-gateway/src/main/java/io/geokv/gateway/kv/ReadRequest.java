package io.geokv.gateway.kv;

import io.geokv.access.Grant;
import io.geokv.gateway.session.SessionPositions;
import java.time.Instant;
import java.util.Optional;

/**
 * A read as the domain sees it, its session token already opened.
 *
 * @param region the region it was routed to
 * @param caller the credential's grant: session and strong reads read only regions it may be served
 *     from
 * @param asOf a read of the past ({@code as_of}): the key as the log had it at that instant
 */
public record ReadRequest(
        String region, KeyRef key, Consistency level, SessionPositions session, Grant caller, Optional<Instant> asOf) {

    /** An eventual read outside any session. */
    public static ReadRequest eventual(String region, KeyRef key, Grant caller) {
        return new ReadRequest(region, key, Consistency.EVENTUAL, SessionPositions.empty(), caller, Optional.empty());
    }
}
