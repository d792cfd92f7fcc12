package io.geokv.gateway.kv;

import io.geokv.gateway.session.SessionPositions;

/**
 * A read as the domain sees it, its session token already opened.
 *
 * @param region the region it was routed to
 */
public record ReadRequest(String region, KeyRef key, Consistency level, SessionPositions session) {

    /** An eventual read outside any session. */
    public static ReadRequest eventual(String region, KeyRef key) {
        return new ReadRequest(region, key, Consistency.EVENTUAL, SessionPositions.empty());
    }
}
