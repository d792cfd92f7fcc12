package io.geokv.store;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Lookups by key in one region's PostgreSQL that coalesce when they are concurrent: while one query
 * runs, the lookups that arrive wait and then go together in the next one, and lookups of the same
 * key share one answer. Under load a lookup costs a share of a query instead of a query; alone, it
 * costs exactly one, with no delay added. Every answer of a query comes from that query's snapshot.
 *
 * @param <K> the key looked up
 * @param <V> what a key's lookup finds
 */
final class CoalescedLookups<K, V> {

    private final Function<List<K>, Mono<Map<K, V>>> query;
    private final int maxBatch;
    private final Map<K, CompletableFuture<V>> waiting = new LinkedHashMap<>();
    private boolean querying;

    /**
     * @param query    finds what it can of the keys it is given, in one query; keys without a row are
     *                 left out of its answer
     * @param maxBatch the most keys one query asks for
     */
    CoalescedLookups(Function<List<K>, Mono<Map<K, V>>> query, int maxBatch) {
        this.query = query;
        this.maxBatch = maxBatch;
    }

    /** What the key's query found; empty when it found nothing, an error when PostgreSQL fails. */
    Mono<V> lookup(K key) {
        return Mono.defer(() -> {
            CompletableFuture<V> answer;
            boolean start;
            synchronized (this) {
                answer = waiting.computeIfAbsent(key, k -> new CompletableFuture<>());
                start = !querying;
                querying = true;
            }
            if (start) {
                queryWaiting();
            }
            return Mono.fromFuture(answer, true);
        });
    }

    private void queryWaiting() {
        Map<K, CompletableFuture<V>> batch = new LinkedHashMap<>();
        synchronized (this) {
            Iterator<Map.Entry<K, CompletableFuture<V>>> next =
                    waiting.entrySet().iterator();
            while (next.hasNext() && batch.size() < maxBatch) {
                Map.Entry<K, CompletableFuture<V>> e = next.next();
                batch.put(e.getKey(), e.getValue());
                next.remove();
            }
            if (batch.isEmpty()) {
                querying = false;
                return;
            }
        }
        query.apply(new ArrayList<>(batch.keySet()))
                .defaultIfEmpty(Map.of())
                .subscribe(
                        found -> {
                            // A null completion is an empty Mono for the caller.
                            batch.forEach((k, answer) -> answer.complete(found.get(k)));
                            queryWaiting();
                        },
                        error -> {
                            batch.values().forEach(answer -> answer.completeExceptionally(error));
                            queryWaiting();
                        });
    }
}
