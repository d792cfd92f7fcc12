package io.geokv.store.cache;

import static io.geokv.store.TestStates.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.geokv.conflict.KeyState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NearCacheTest {

    private final KeyState v1 = written(1, "v1");

    private NearCache armed() {
        NearCache cache = new NearCache(1 << 20, Duration.ofMinutes(1));
        cache.arm();
        return cache;
    }

    @Test
    void servesWhatAReadCachedWhileArmed() {
        NearCache cache = armed();
        cache.put(cache.ticket(), "kv:t/k", v1, 100);

        assertThat(cache.get("kv:t/k")).isSameAs(v1);
    }

    @Test
    void servesNothingBeforeTrackingIsAcknowledged() {
        NearCache cache = new NearCache(1 << 20, Duration.ofMinutes(1));
        long ticket = cache.ticket();
        cache.put(ticket, "kv:t/k", v1, 100);
        cache.arm();

        assertThat(cache.get("kv:t/k")).as("read sent before tracking was on").isNull();
    }

    @Test
    void aReadThatAnInvalidationOvertookIsNotCached() {
        NearCache cache = armed();
        long ticket = cache.ticket();
        // Redis changed a key while the read was on its way back: it may be this one.
        cache.invalidate(List.of("kv:t/other"));
        cache.put(ticket, "kv:t/k", v1, 100);

        assertThat(cache.get("kv:t/k")).isNull();
    }

    @Test
    void anInvalidationDropsItsKeysOnly() {
        NearCache cache = armed();
        cache.put(cache.ticket(), "kv:t/a", v1, 100);
        cache.put(cache.ticket(), "kv:t/b", v1, 100);

        cache.invalidate(List.of("kv:t/a"));

        assertThat(cache.get("kv:t/a")).isNull();
        assertThat(cache.get("kv:t/b")).isSameAs(v1);
    }

    @Test
    void aFlushDropsEverything() {
        NearCache cache = armed();
        cache.put(cache.ticket(), "kv:t/a", v1, 100);

        cache.invalidateAll();

        assertThat(cache.get("kv:t/a")).isNull();
    }

    @Test
    void aLostLinkDropsEverythingAndReadsFromBeforeItAreNeverCached() {
        NearCache cache = armed();
        cache.put(cache.ticket(), "kv:t/a", v1, 100);
        long beforeTheLoss = cache.ticket();

        cache.disarm();
        assertThat(cache.get("kv:t/a")).isNull();
        cache.put(cache.ticket(), "kv:t/b", v1, 100);

        cache.arm();
        cache.put(beforeTheLoss, "kv:t/c", v1, 100);
        assertThat(cache.get("kv:t/a")).isNull();
        assertThat(cache.get("kv:t/b")).as("read while disarmed").isNull();
        assertThat(cache.get("kv:t/c")).as("read sent before the loss").isNull();

        cache.put(cache.ticket(), "kv:t/d", v1, 100);
        assertThat(cache.get("kv:t/d")).isSameAs(v1);
    }

    @Test
    void entriesExpireAfterTheirMaxAgeEvenWithoutAnInvalidation() {
        NearCache cache = new NearCache(1 << 20, Duration.ofMillis(200));
        cache.arm();
        cache.put(cache.ticket(), "kv:t/a", v1, 100);
        assertThat(cache.get("kv:t/a")).isSameAs(v1);

        await().atMost(Duration.ofSeconds(5)).until(() -> cache.get("kv:t/a") == null);
    }

    @Test
    void keepsToItsSize() {
        NearCache cache = new NearCache(100_000, Duration.ofMinutes(1));
        cache.arm();
        for (int i = 0; i < 1_000; i++) {
            cache.put(cache.ticket(), "kv:t/" + i, v1, 1_000);
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> cache.size() <= 100_000 / 1_000);
    }
}
