package io.geokv.replication.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.geokv.conflict.KeyState;
import io.geokv.conflict.VersionVector;
import io.geokv.conflict.Write;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyStateCacheTest {

    private static KeyState state(String value) {
        return KeyState.empty()
                .receive(new Write(
                        "event-" + value,
                        "us-east",
                        VersionVector.empty(),
                        value.getBytes(StandardCharsets.UTF_8),
                        "text/plain",
                        1L));
    }

    @Test
    void replaceUpdatesACachedKeyAndLeavesOthersOut() {
        KeyStateCache cache = new KeyStateCache(1 << 20);
        cache.put("held", state("a"));

        cache.replace("held", state("b"));
        cache.replace("first-write", state("c"));

        assertThat(cache.get("held")).isEqualTo(state("b"));
        assertThat(cache.get("first-write")).isNull();
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void theLeastRecentlyUsedGoBeyondTheBudget() {
        // Each entry costs a few hundred bytes of overhead: a budget of 2 KB holds a handful.
        KeyStateCache cache = new KeyStateCache(2048);
        for (int i = 0; i < 50; i++) {
            cache.put("key-" + i, state("v" + i));
            cache.get("key-0"); // kept in use
        }

        assertThat(cache.size()).isBetween(1, 5);
        assertThat(cache.get("key-0")).isNotNull();
        assertThat(cache.get("key-49")).isNotNull();
        assertThat(cache.get("key-1")).isNull();
    }
}
