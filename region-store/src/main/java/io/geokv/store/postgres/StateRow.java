package io.geokv.store.postgres;

import io.geokv.conflict.ContextTokens;
import io.geokv.conflict.KeyState;
import io.geokv.conflict.KeyStateCodec;
import io.geokv.conflict.LastWriterWins;
import io.geokv.conflict.Sibling;
import java.util.Optional;

/**
 * The kv_state columns of one state. value, content_type and deleted are the last-writer-wins
 * view of the siblings, and context and newest_timestamp what a blind write needs ({@link
 * WriteBase}), stored beside the full state so that counting live keys, plain reads and blind
 * writes never need to decode it.
 */
record StateRow(
        String tenant,
        String key,
        long version,
        byte[] state,
        byte[] stateDigest,
        byte[] value,
        String contentType,
        boolean deleted,
        int siblingCount,
        String context,
        long newestTimestamp) {

    static StateRow of(MaterializedState m) {
        KeyState s = m.state();
        Optional<Sibling> winner = LastWriterWins.winner(s.siblings());
        boolean deleted = winner.isEmpty() || winner.get().isTombstone();
        return new StateRow(
                m.tenant(),
                m.key(),
                s.version(),
                KeyStateCodec.encode(s),
                s.digest(),
                deleted ? null : winner.get().value(),
                deleted ? null : winner.get().contentType(),
                deleted,
                s.siblings().size(),
                ContextTokens.encode(s.context()),
                WriteBase.of(s).newestTimestamp());
    }
}
