package io.geokv.store.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.geokv.conflict.KeyState;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decoded states this process read from its region's Redis, served again without asking Redis, for
 * as long as Redis has not reported a change to their key. Redis reports them itself (server-assisted
 * client-side caching: {@code CLIENT TRACKING} on the connection the reads go through, over RESP3): a
 * replication write, an expiry, an eviction or a {@code FLUSHDB} of a key that connection read sends
 * it an invalidation, and the key is dropped here.
 *
 * <p>Invariant: an entry is served only while its connection is <em>armed</em> (tracking acknowledged
 * on it, and no disconnection since), and only if no invalidation and no disarming happened between
 * the moment its read was sent to Redis and the moment it was cached. So no entry outlives a change
 * Redis reported, nor a link that could have lost one. The rule is carried by one counter, the
 * generation: odd while armed, even while not; every invalidation adds two (parity kept), arming and
 * disarming add one. A read takes the generation as its {@link #ticket()} before it asks Redis; its
 * answer is cached only under an odd ticket, and dropped again when the generation has moved by then
 * (an invalidation may have passed it). Dropping more than needed only costs a miss.
 *
 * <p>Entries also expire after {@code maxAge}: a last resort against a link that stalls without
 * breaking (its invalidations would arrive late), on top of disarming when a ping fails.
 */
final class NearCache {

    /** The heap a decoded state takes beyond its encoded size and its key (objects, maps), roughly. */
    private static final int ENTRY_OVERHEAD_BYTES = 256;

    private final Cache<String, Entry> entries;
    private final AtomicLong generation = new AtomicLong();

    NearCache(long maxBytes, Duration maxAge) {
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .<String, Entry>weigher((key, entry) -> entry.weight(key))
                .expireAfterWrite(maxAge)
                // Maintenance on the calling thread: no hop to a pool on the read path.
                .executor(Runnable::run)
                .build();
    }

    /** The cached state of a Redis key while armed, else null. */
    KeyState get(String redisKey) {
        if (!armed(generation.get())) {
            return null;
        }
        Entry entry = entries.getIfPresent(redisKey);
        return entry == null ? null : entry.state();
    }

    /** Taken by a read before it asks Redis: what it may cache the answer under. */
    long ticket() {
        return generation.get();
    }

    /**
     * Caches what a read taken under {@code ticket} found, unless the ticket is no longer good.
     *
     * @param encodedBytes the size of the state in Redis, which weighs the entry
     */
    void put(long ticket, String redisKey, KeyState state, int encodedBytes) {
        if (!armed(ticket)) {
            return;
        }
        entries.put(redisKey, new Entry(state, encodedBytes));
        // Checked after the put: an invalidation that moved the generation before this check is seen
        // here; one that moves it after will remove the entry itself.
        if (generation.get() != ticket) {
            entries.invalidate(redisKey);
        }
    }

    /** Redis reported a change to these keys. */
    void invalidate(Collection<String> redisKeys) {
        generation.addAndGet(2);
        entries.invalidateAll(redisKeys);
    }

    /** Redis reported a change to every key (a flush, or its tracking table overflowed). */
    void invalidateAll() {
        generation.addAndGet(2);
        entries.invalidateAll();
    }

    /** Tracking is on for the connection now: reads sent from here on may be cached. */
    synchronized void arm() {
        if (!armed(generation.get())) {
            entries.invalidateAll();
            generation.incrementAndGet();
        }
    }

    /** The connection was lost or stalled: invalidations may have been lost with it. */
    synchronized void disarm() {
        if (armed(generation.get())) {
            generation.incrementAndGet();
        }
        entries.invalidateAll();
    }

    boolean armed() {
        return armed(generation.get());
    }

    long size() {
        return entries.estimatedSize();
    }

    private static boolean armed(long generation) {
        return (generation & 1) == 1;
    }

    private record Entry(KeyState state, int encodedBytes) {

        int weight(String key) {
            long bytes = ENTRY_OVERHEAD_BYTES + 2L * key.length() + encodedBytes;
            return (int) Math.min(Integer.MAX_VALUE, bytes);
        }
    }
}
