package io.geokv.gateway.kv.read;

import io.geokv.conflict.HybridLogicalClock;
import io.geokv.conflict.KeyState;
import io.geokv.gateway.kv.Consistency;
import io.geokv.gateway.kv.KeyRef;
import io.geokv.gateway.kv.ReadResult;
import io.geokv.gateway.resolution.ResolutionRules;
import io.geokv.gateway.tokens.ClientTokens;
import io.geokv.store.Source;
import java.util.List;

/**
 * What a read shows of a state: the state as of now (expired values read as deletes, {@link
 * KeyState#visibleAt}), the key's resolution policy applied, its context sealed. The gateway
 * observes the state's clocks, so its next writes are stamped after every value a client has seen.
 */
final class ReadResults {

    private final ResolutionRules resolution;
    private final ClientTokens tokens;
    private final HybridLogicalClock clock;

    ReadResults(ResolutionRules resolution, ClientTokens tokens, HybridLogicalClock clock) {
        this.resolution = resolution;
        this.tokens = tokens;
        this.clock = clock;
    }

    ReadResult of(
            KeyRef key,
            KeyState state,
            Source source,
            String servedBy,
            List<String> regionsRead,
            Consistency level,
            String session) {
        return of(key, state, source, servedBy, regionsRead, level, session, clock.wallClockMillis());
    }

    /** {@link #of} as readers saw the state at {@code epochMillis} (expiries compared with it). */
    ReadResult of(
            KeyRef key,
            KeyState state,
            Source source,
            String servedBy,
            List<String> regionsRead,
            Consistency level,
            String session,
            long epochMillis) {
        state.siblings().forEach(sibling -> clock.observe(sibling.timestamp()));
        KeyState visible = state.visibleAt(epochMillis);
        return new ReadResult(
                visible,
                source,
                resolution.resolverFor(key.tenant(), key.key()).resolve(visible.siblings()),
                tokens.context(state.context(), key.tenant(), key.key()),
                servedBy,
                regionsRead,
                level,
                session);
    }

    ClientTokens tokens() {
        return tokens;
    }
}
