package io.geokv.store.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CacheKeyTest {

    @Test
    void isTenantSlashKey() {
        assertThat(StateCache.cacheKey("acme", "users/42")).isEqualTo("kv:acme/users/42");
    }

    @Test
    void aSlashInTheTenantCannotCollideWithTheKey() {
        assertThat(StateCache.cacheKey("a/b", "c")).isNotEqualTo(StateCache.cacheKey("a", "b/c"));
        assertThat(StateCache.cacheKey("a/b", "c")).isEqualTo("kv:a%2Fb/c");
        assertThat(StateCache.cacheKey("a%2Fb", "c")).isEqualTo("kv:a%252Fb/c");
    }
}
