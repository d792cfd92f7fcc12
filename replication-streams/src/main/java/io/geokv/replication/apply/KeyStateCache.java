package io.geokv.replication.apply;

import io.geokv.conflict.KeyState;
import io.geokv.conflict.Sibling;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One task's decoded merged states, least recently used first, within a budget of bytes. Only a
 * copy: PostgreSQL holds every state, and a key evicted here is loaded from it again. It is only
 * filled with states PostgreSQL has committed (or holds), so it never runs ahead of it; the one
 * exception is a state PostgreSQL refused for good, kept here (and dead-lettered) so that the key's
 * later events are still counted on top of it as in every other region. What it admits is its
 * task's choice ({@link ApplyProcessor#committed}): {@link #replace} only updates a key it holds.
 */
final class KeyStateCache {

    /** A rough per-entry cost beyond the values: key, dots, contexts, map entry. */
    private static final long ENTRY_OVERHEAD = 256;

    private final long budgetBytes;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private long usedBytes;

    private record Entry(KeyState state, long bytes) {}

    KeyStateCache(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** The cached state of {@code key}, or null when it is not cached. */
    KeyState get(String key) {
        Entry entry = entries.get(key);
        return entry == null ? null : entry.state();
    }

    void put(String key, KeyState state) {
        long bytes = sizeOf(key, state);
        Entry previous = entries.put(key, new Entry(state, bytes));
        usedBytes += bytes - (previous == null ? 0 : previous.bytes());
        Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
        while (usedBytes > budgetBytes && eldest.hasNext()) {
            usedBytes -= eldest.next().getValue().bytes();
            eldest.remove();
        }
    }

    /** Like {@link #put}, for a key that is cached; a key that is not stays out. */
    void replace(String key, KeyState state) {
        if (entries.containsKey(key)) {
            put(key, state);
        }
    }

    int size() {
        return entries.size();
    }

    private static long sizeOf(String key, KeyState state) {
        long bytes = ENTRY_OVERHEAD + 2L * key.length();
        for (Sibling s : state.siblings()) {
            bytes += ENTRY_OVERHEAD + s.valueLength();
        }
        return bytes;
    }
}
