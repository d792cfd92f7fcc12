package io.geokv.gateway.kv.write;

import io.geokv.conflict.HybridLogicalClock;
import io.geokv.conflict.KeyLimits;
import io.geokv.conflict.KeyState;
import io.geokv.gateway.consistency.HomeRegions;
import io.geokv.gateway.events.EventPublisher;
import io.geokv.gateway.kv.Consistency;
import io.geokv.gateway.kv.ConsistencyWaits;
import io.geokv.gateway.kv.KvProblem;
import io.geokv.gateway.kv.ServingRegions;
import io.geokv.gateway.kv.WriteRequest;
import io.geokv.gateway.kv.WriteResult;
import io.geokv.gateway.tokens.ClientTokens;
import io.geokv.progress.KeyLogEnds;
import io.geokv.progress.RegionProgress;
import io.geokv.store.Lookup;
import io.geokv.store.RegionStores;
import io.geokv.store.postgres.WriteBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Writes of one key at the consistency level a client asks for (docs/consistency.md): each becomes
 * one event on the routed region's topic. Eventual and session writes return once Kafka has it; a
 * strong one once every serving region has applied it; a conditional strong one is first arbitrated
 * by the key's home region.
 */
public final class KvWrites {

    private static final Logger log = LoggerFactory.getLogger(KvWrites.class);

    private final RegionStores stores;
    private final ClientTokens tokens;
    private final KeyLimits limits;
    private final WriteEvents events;
    private final ConditionalArbiter arbiter;
    private final StrongCompletion strong;

    public KvWrites(
            RegionStores stores,
            EventPublisher publisher,
            HybridLogicalClock clock,
            ClientTokens tokens,
            RegionProgress progress,
            KeyLogEnds logEnds,
            ServingRegions serving,
            HomeRegions homes,
            ConsistencyWaits waits,
            KeyLimits limits) {
        this.stores = stores;
        this.tokens = tokens;
        this.limits = limits;
        this.events = new WriteEvents(publisher, clock, limits, stores.names());
        this.arbiter = new ConditionalArbiter(stores, homes, progress, logEnds, events, waits);
        this.strong = new StrongCompletion(stores, progress, serving, tokens, waits);
    }

    public Mono<WriteResult> write(WriteRequest write) {
        if (write.value() != null && write.value().length > limits.maxValueBytes()) {
            throw KvProblem.tooLarge("value is larger than the limit of " + limits.maxValueBytes() + " bytes");
        }
        if (write.arbitrated()) {
            return arbiter.arbitrate(write, write.expected().orElseThrow())
                    .flatMap(published -> strong.await(write, published));
        }
        Mono<Published> published = write.context().isPresent()
                ? currentState(write).flatMap(state -> {
                    write.expected()
                            .ifPresent(
                                    expected -> ExpectedContext.require(state, expected, write.region(), write.key()));
                    return events.publish(write, state, write.context().get());
                })
                : writeBase(write).flatMap(base -> {
                    write.expected()
                            .ifPresent(
                                    expected -> ExpectedContext.require(base, expected, write.region(), write.key()));
                    return events.publish(write, base);
                });
        return published.flatMap(event -> write.level() == Consistency.STRONG
                ? strong.await(write, event)
                : Mono.just(event.result(tokens, write.session(), write.level())));
    }

    /**
     * What the routed region has applied of the key, which a blind write supersedes: only its context
     * and newest timestamp, from PostgreSQL. A write whose region store is unreachable is still
     * accepted unless it is conditional: a blind one is then based on nothing, so it stays concurrent
     * with what it could not see; the merge still bounds the key's siblings.
     */
    private Mono<WriteBase> writeBase(WriteRequest write) {
        return stores.get(write.region())
                .writeBase(write.key().tenant(), write.key().key())
                .onErrorResume(e -> storeUnreachable(write, e, WriteBase.none()));
    }

    /** The routed region's state of the key, which a write with its own context is checked against (limits). */
    private Mono<KeyState> currentState(WriteRequest write) {
        return stores.get(write.region())
                .read(write.key().tenant(), write.key().key())
                .map(Lookup::state)
                .defaultIfEmpty(KeyState.empty())
                .onErrorResume(e -> storeUnreachable(write, e, KeyState.empty()));
    }

    private <T> Mono<T> storeUnreachable(WriteRequest write, Throwable e, T nothing) {
        if (write.expected().isPresent()) {
            return Mono.error(KvProblem.unavailable(
                    "region-store-unavailable",
                    "cannot check If-Match: region " + write.region() + " store is unreachable"));
        }
        log.debug(
                "region {} store unreachable, write of {} is not checked against its state",
                write.region(),
                write.key(),
                e);
        return Mono.just(nothing);
    }
}
