package io.geokv.gateway.kv;

import io.geokv.gateway.session.SessionPositions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * @param context the context token of the write: for a strong write, the state it was applied to
 *     (which covers the write itself); otherwise the context the write was based on
 * @param session the session token covering this write and the session's earlier ones
 * @param sessionPositions what {@code session} seals, for a caller that joins several writes' sessions
 * @param appliedIn for a strong write, the regions that had applied it when it returned; else empty
 * @param expiresAt when the written value expires, if it does
 */
public record WriteResult(
        String eventId,
        String context,
        String session,
        SessionPositions sessionPositions,
        Consistency consistency,
        List<String> appliedIn,
        Optional<Instant> expiresAt) {}
