package io.geokv.gateway.kv;

import io.geokv.conflict.KeyState;
import io.geokv.conflict.Resolution;
import io.geokv.store.Source;
import java.util.List;

/**
 * The state of a key and what its resolution policy shows of it: a {@link Resolution.Value} or a
 * {@link Resolution.Conflict}, never {@link Resolution.Absent}.
 *
 * @param servedBy the region whose state it is (for a strong read, the routed region)
 * @param regionsRead the regions whose states were merged (strong reads), else {@code servedBy} alone
 * @param session for a session read, the session token that also covers what this read saw; else null
 */
public record ReadResult(
        KeyState state,
        Source source,
        Resolution resolution,
        String context,
        String servedBy,
        List<String> regionsRead,
        Consistency consistency,
        String session) {}
