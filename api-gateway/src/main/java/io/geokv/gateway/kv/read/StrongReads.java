package io.geokv.gateway.kv.read;

import io.geokv.conflict.KeyState;
import io.geokv.gateway.kv.Consistency;
import io.geokv.gateway.kv.KeyRef;
import io.geokv.gateway.kv.KvProblem;
import io.geokv.gateway.kv.ReadRequest;
import io.geokv.gateway.kv.ReadResult;
import io.geokv.gateway.kv.ServingRegions;
import io.geokv.store.Source;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Strong reads: every serving region's state from PostgreSQL, merged, once one of them has applied
 * the key's whole log as it stood when the read began; so a strong read shows every write
 * acknowledged before it, wherever it was written. Regions that cannot be read are left out, but not
 * the one that has caught up; if none catches up within the strong timeout, a timeout problem.
 */
final class StrongReads {

    private static final Logger log = LoggerFactory.getLogger(StrongReads.class);

    private final ReadDependencies deps;

    StrongReads(ReadDependencies deps) {
        this.deps = deps;
    }

    /** Empty when no region has a state of the key. */
    Mono<ReadResult> read(ReadRequest read) {
        KeyRef key = read.key();
        List<String> regions = deps.serving().now(key.tenant(), read.caller());
        return deps.logEnds()
                .of(key.tenant(), key.key())
                .timeout(deps.waits().strong())
                .onErrorMap(
                        e -> !(e instanceof KvProblem),
                        e -> KvProblem.unavailable(
                                "kafka-unavailable",
                                "cannot learn where the log of key '" + key + "' ends: " + e.getMessage()))
                .flatMap(ends -> deps.progress()
                        .firstToApply(
                                ServingRegions.routedFirst(read.region(), regions),
                                ends,
                                deps.waits().strong()))
                .switchIfEmpty(Mono.error(() -> KvProblem.timeout(
                        "strong-read-timeout",
                        "no region had applied the log of key '" + key + "' after "
                                + deps.waits().strong().toMillis() + " ms; retry shortly")))
                .flatMap(caughtUp -> readAndMerge(read, regions, caughtUp));
    }

    private Mono<ReadResult> readAndMerge(ReadRequest read, List<String> regions, String caughtUp) {
        KeyRef key = read.key();
        return Flux.fromIterable(regions)
                .flatMapSequential(region -> deps.stores()
                        .get(region)
                        .reader()
                        .find(key.tenant(), key.key())
                        .defaultIfEmpty(KeyState.empty())
                        .map(state -> new RegionState(region, state))
                        .onErrorResume(e -> {
                            if (region.equals(caughtUp)) {
                                return Mono.error(StoreUnavailable.is(e) ? StoreUnavailable.problem(region, e) : e);
                            }
                            log.debug("strong read of {} skips region {}: {}", key, region, e.toString());
                            return Mono.empty();
                        }))
                .collectList()
                .flatMap(states -> {
                    KeyState merged = states.stream().map(RegionState::state).reduce(KeyState.empty(), KeyState::merge);
                    return merged.isEmpty()
                            ? Mono.empty()
                            : Mono.just(deps.results()
                                    .of(
                                            key,
                                            merged,
                                            Source.DB,
                                            read.region(),
                                            states.stream()
                                                    .map(RegionState::region)
                                                    .toList(),
                                            Consistency.STRONG,
                                            null));
                });
    }

    private record RegionState(String region, KeyState state) {}
}
