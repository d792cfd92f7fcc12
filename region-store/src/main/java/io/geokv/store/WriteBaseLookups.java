package io.geokv.store;

import io.geokv.store.postgres.StateReader;
import io.geokv.store.postgres.WriteBase;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;

/**
 * Looks up {@link WriteBase}s in one region's PostgreSQL, coalescing concurrent lookups: while one
 * query runs, the lookups that arrive wait and then go together in the next one, and lookups of the
 * same key share one answer. Under load a write costs a share of a query instead of a query; alone,
 * it costs exactly one, with no delay added.
 */
final class WriteBaseLookups {

    private record Key(String tenant, String key) {}

    private final StateReader reader;
    private final int maxBatch;
    private final Map<Key, CompletableFuture<WriteBase>> waiting = new LinkedHashMap<>();
    private boolean querying;

    /** @param maxBatch the most keys one query asks for */
    WriteBaseLookups(StateReader reader, int maxBatch) {
        this.reader = reader;
        this.maxBatch = maxBatch;
    }

    /** The key's write base ({@link WriteBase#none()} without a row), or an error when PostgreSQL fails. */
    Mono<WriteBase> lookup(String tenant, String key) {
        return Mono.defer(() -> {
            CompletableFuture<WriteBase> answer;
            boolean start;
            synchronized (this) {
                answer = waiting.computeIfAbsent(new Key(tenant, key), k -> new CompletableFuture<>());
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
        Map<Key, CompletableFuture<WriteBase>> batch = new LinkedHashMap<>();
        synchronized (this) {
            Iterator<Map.Entry<Key, CompletableFuture<WriteBase>>> next =
                    waiting.entrySet().iterator();
            while (next.hasNext() && batch.size() < maxBatch) {
                Map.Entry<Key, CompletableFuture<WriteBase>> e = next.next();
                batch.put(e.getKey(), e.getValue());
                next.remove();
            }
            if (batch.isEmpty()) {
                querying = false;
                return;
            }
        }
        List<String> tenants = new ArrayList<>(batch.size());
        List<String> keys = new ArrayList<>(batch.size());
        batch.keySet().forEach(k -> {
            tenants.add(k.tenant());
            keys.add(k.key());
        });
        reader.writeBases(tenants, keys)
                .collectMap(found -> new Key(found.tenant(), found.key()), StateReader.FoundBase::base)
                .subscribe(
                        found -> {
                            batch.forEach((k, answer) -> answer.complete(found.getOrDefault(k, WriteBase.none())));
                            queryWaiting();
                        },
                        error -> {
                            batch.values().forEach(answer -> answer.completeExceptionally(error));
                            queryWaiting();
                        });
    }
}
