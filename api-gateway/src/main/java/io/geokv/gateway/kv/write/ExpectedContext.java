package io.geokv.gateway.kv.write;

import io.geokv.conflict.KeyState;
import io.geokv.conflict.VersionVector;
import io.geokv.gateway.kv.KeyRef;
import io.geokv.gateway.kv.KvProblem;
import io.geokv.store.postgres.WriteBase;

/** The {@code If-Match} condition: the key still has the context the client read. */
final class ExpectedContext {

    private ExpectedContext() {}

    /** @throws KvProblem precondition failed when {@code state} is not the one {@code expected} names */
    static void require(KeyState state, VersionVector expected, String region, KeyRef key) {
        require(WriteBase.of(state), expected, region, key);
    }

    /** @throws KvProblem precondition failed when {@code base} is not the one {@code expected} names */
    static void require(WriteBase base, VersionVector expected, String region, KeyRef key) {
        if (!base.present()) {
            throw KvProblem.preconditionFailed("If-Match given but key '" + key + "' has no state in " + region);
        }
        if (!base.context().equals(expected)) {
            throw KvProblem.preconditionFailed(
                    "key '" + key + "' changed in " + region + " since that context was read; read it again and retry");
        }
    }
}
