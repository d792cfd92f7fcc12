package io.geokv.store;

import io.geokv.conflict.KeyState;
import java.util.Objects;

/**
 * A key's state as one region served it.
 *
 * @param state  the merged state (it may be a tombstone: deciding 404 is the caller's business)
 * @param source whether Redis or PostgreSQL answered
 */
public record Lookup(KeyState state, Source source) {

    public Lookup {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(source, "source");
    }
}
