package io.geokv.gateway.consistency;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.geokv.gateway.session.SessionPositions;
import io.geokv.gateway.session.SessionPositions.Partition;
import io.geokv.store.RegionStores;
import io.geokv.store.postgres.AppliedOffset;

/**
 * How far each region has applied the event topics, from the {@code applied_offsets} table of its
 * PostgreSQL (written in the same transaction as the rows it covers, so a region that has applied a
 * position serves its effect from PostgreSQL), and bounded waits on it.
 */
public final class RegionProgress {

    private final RegionStores stores;
    private final Duration pollInterval;

    public RegionProgress(RegionStores stores, Duration pollInterval) {
        this.stores = stores;
        this.pollInterval = pollInterval;
    }

    /** Per partition, the offset the region has applied up to (exclusive). */
    public Mono<Map<Partition, Long>> applied(String region) {
        return stores.get(region).reader().appliedOffsets()
                .collectMap(o -> new Partition(o.topic(), o.partition()), AppliedOffset::nextOffset);
    }

    /**
     * The first region of {@code preference} that has applied {@code positions}, checked every poll
     * interval; empty when none has within {@code wait}. Unreachable regions never qualify.
     */
    public Mono<String> firstToApply(List<String> preference, SessionPositions positions, Duration wait) {
        return poll(() -> Flux.fromIterable(preference)
                .concatMap(region -> hasApplied(region, positions).filter(Boolean::booleanValue).map(yes -> region))
                .next(), wait, Mono::empty);
    }

    /**
     * Waits until every region of {@code regions} has applied {@code positions}, at most
     * {@code timeout}; emits the regions that have, in the order given (all of them unless the wait timed out).
     */
    public Mono<List<String>> awaitAll(List<String> regions, SessionPositions positions, Duration timeout) {
        Set<String> done = ConcurrentHashMap.newKeySet();
        Supplier<List<String>> inOrder = () -> regions.stream().filter(done::contains).toList();
        return poll(() -> Flux.fromIterable(regions)
                .filter(region -> !done.contains(region))
                .flatMap(region -> hasApplied(region, positions).filter(Boolean::booleanValue).doOnNext(yes -> done.add(region)))
                .then(Mono.fromSupplier(() -> done.size() == regions.size() ? inOrder.get() : null)),
                timeout, () -> Mono.fromSupplier(inOrder));
    }

    /** False when the region is unreachable: it cannot show that it has applied anything. */
    private Mono<Boolean> hasApplied(String region, SessionPositions positions) {
        return applied(region).map(positions::appliedBy).onErrorReturn(false);
    }

    private <T> Mono<T> poll(Supplier<Mono<T>> check, Duration wait, Supplier<Mono<T>> onTimeout) {
        return Mono.defer(check)
                .repeatWhenEmpty(attempts -> attempts.concatMap(attempt -> Mono.delay(pollInterval)))
                .timeout(wait, Mono.defer(onTimeout));
    }
}
