package io.geokv.store.postgres;

import io.geokv.conflict.KeyState;
import java.util.Objects;

/**
 * The merged state of one key, ready to be stored in a region.
 *
 * @param tenant the key's tenant
 * @param key    the user key
 * @param state  the merged state; its {@link KeyState#version()} decides which of two writes wins
 */
public record MaterializedState(String tenant, String key, KeyState state) {

    public MaterializedState {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(state, "state");
    }
}
