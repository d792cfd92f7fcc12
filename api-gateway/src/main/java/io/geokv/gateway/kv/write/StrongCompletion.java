package io.geokv.gateway.kv.write;

import io.geokv.gateway.kv.Consistency;
import io.geokv.gateway.kv.ConsistencyWaits;
import io.geokv.gateway.kv.KvProblem;
import io.geokv.gateway.kv.ServingRegions;
import io.geokv.gateway.kv.WriteRequest;
import io.geokv.gateway.kv.WriteResult;
import io.geokv.gateway.session.SessionPositions;
import io.geokv.gateway.tokens.ClientTokens;
import io.geokv.progress.RegionProgress;
import io.geokv.store.RegionStores;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A strong write returns once every serving region has applied it, with the context of the state it
 * made, read from the routed region or, when its store does not answer, the next region that does.
 */
final class StrongCompletion {

    private static final Logger log = LoggerFactory.getLogger(StrongCompletion.class);

    private final RegionStores stores;
    private final RegionProgress progress;
    private final ServingRegions serving;
    private final ClientTokens tokens;
    private final ConsistencyWaits waits;

    StrongCompletion(
            RegionStores stores,
            RegionProgress progress,
            ServingRegions serving,
            ClientTokens tokens,
            ConsistencyWaits waits) {
        this.stores = stores;
        this.progress = progress;
        this.serving = serving;
        this.tokens = tokens;
        this.waits = waits;
    }

    Mono<WriteResult> await(WriteRequest write, Published published) {
        List<String> regions = serving.now(write.key().tenant());
        String key = write.key().key();
        return progress.awaitAll(regions, published.positions(write.session()).positions(), waits.strong())
                .flatMap(applied -> {
                    if (applied.size() < regions.size()) {
                        return Mono.error(timeout(write, published, applied));
                    }
                    return Flux.fromIterable(ServingRegions.routedFirst(write.region(), applied))
                            .concatMap(region -> stores.get(region)
                                    .reader()
                                    .find(write.key().tenant(), key)
                                    .onErrorResume(e -> {
                                        log.debug(
                                                "strong write of {}: no state from {}: {}", key, region, e.toString());
                                        return Mono.empty();
                                    }))
                            .next()
                            .switchIfEmpty(Mono.error(() -> KvProblem.unavailable(
                                            "region-store-unavailable",
                                            "the write of key '" + key
                                                    + "' is applied in every region, but no region's"
                                                    + " store answered with its context; read the key to get it")
                                    .with("event_id", published.eventId())
                                    .with("applied_regions", applied)))
                            .map(state -> {
                                SessionPositions covered = published.positions(write.session());
                                return new WriteResult(
                                        published.eventId(),
                                        tokens.context(
                                                state.context(), write.key().tenant(), key),
                                        tokens.session(covered, write.key().tenant()),
                                        covered,
                                        Consistency.STRONG,
                                        applied,
                                        published.expiry());
                            });
                });
    }

    private KvProblem timeout(WriteRequest write, Published published, List<String> applied) {
        return KvProblem.timeout(
                        "strong-write-timeout",
                        "the write of key '" + write.key()
                                + "' is durable in Kafka and will be applied everywhere, but only " + applied
                                + " had applied it after " + waits.strong().toMillis() + " ms")
                .with("event_id", published.eventId())
                .with("applied_regions", applied);
    }
}
