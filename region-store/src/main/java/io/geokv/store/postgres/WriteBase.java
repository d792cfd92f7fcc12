package io.geokv.store.postgres;

import io.geokv.conflict.KeyState;
import io.geokv.conflict.Sibling;
import io.geokv.conflict.VersionVector;
import java.util.Objects;

/**
 * What a write without a context of its own needs of the key's current state in its region: the
 * context it supersedes and the newest timestamp among the siblings (its clock moves past it). A
 * few bytes, where the state itself may hold megabytes of values.
 *
 * @param present whether the region has a row for the key (a deleted key has one)
 * @param context the state's causal context: everything a blind write supersedes
 * @param newestTimestamp the highest sibling timestamp, 0 without siblings
 */
public record WriteBase(boolean present, VersionVector context, long newestTimestamp) {

    private static final WriteBase NONE = new WriteBase(false, VersionVector.empty(), 0);

    public WriteBase {
        Objects.requireNonNull(context, "context");
    }

    /** A key the region has no row for. */
    public static WriteBase none() {
        return NONE;
    }

    public static WriteBase of(KeyState state) {
        if (state.isEmpty()) {
            return NONE;
        }
        long newest =
                state.siblings().stream().mapToLong(Sibling::timestamp).max().orElse(0);
        return new WriteBase(true, state.context(), newest);
    }
}
