package io.geokv.gateway.kv.read;

import io.geokv.conflict.HybridLogicalClock;
import io.geokv.conflict.Resolution;
import io.geokv.gateway.history.KeyLog;
import io.geokv.gateway.kv.ConsistencyWaits;
import io.geokv.gateway.kv.KeyRef;
import io.geokv.gateway.kv.KvProblem;
import io.geokv.gateway.kv.ReadRequest;
import io.geokv.gateway.kv.ReadResult;
import io.geokv.gateway.kv.ServingRegions;
import io.geokv.gateway.resolution.ResolutionRules;
import io.geokv.gateway.tokens.ClientTokens;
import io.geokv.progress.KeyLogEnds;
import io.geokv.progress.RegionProgress;
import io.geokv.store.RegionStores;
import io.geokv.store.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Reads of one key at the consistency level a client asks for (docs/consistency.md): eventual from
 * the routed region (cache, then PostgreSQL), session by {@link SessionReads}, strong by
 * {@link StrongReads}; the past ({@code as_of}) from the log ({@link KeyLog}); each resolved with the
 * key's resolution policy.
 */
public final class KvReads {

    /** How long a read of the past may scan the log. */
    private static final Duration LOG_READ_TIMEOUT = Duration.ofSeconds(30);

    private final KeyLog log;
    private final RegionStores stores;
    private final ReadResults results;
    private final SessionReads session;
    private final StrongReads strong;

    public KvReads(
            KeyLog log,
            RegionStores stores,
            ResolutionRules resolution,
            ClientTokens tokens,
            HybridLogicalClock clock,
            RegionProgress progress,
            KeyLogEnds logEnds,
            ServingRegions serving,
            ConsistencyWaits waits) {
        this.log = log;
        this.stores = stores;
        this.results = new ReadResults(resolution, tokens, clock);
        ReadDependencies deps = new ReadDependencies(stores, progress, logEnds, serving, results, waits);
        this.session = new SessionReads(deps);
        this.strong = new StrongReads(deps);
    }

    /**
     * What a key shows; errors with a not-found problem when it is absent or deleted. That of a
     * deleted key carries the key's context token (and a session read's session token), so that a
     * client can write after the delete it saw.
     */
    public Mono<ReadResult> read(ReadRequest read) {
        Mono<ReadResult> result = read.asOf().isPresent()
                ? past(read, read.asOf().get())
                : switch (read.level()) {
                    case EVENTUAL -> eventual(read);
                    case SESSION -> session.read(read);
                    case STRONG -> strong.read(read);
                };
        return result.switchIfEmpty(Mono.error(() -> notFound(read, null)))
                .flatMap(found -> found.resolution() instanceof Resolution.Absent
                        ? Mono.error(notFound(read, found))
                        : Mono.just(found));
    }

    private Mono<ReadResult> eventual(ReadRequest read) {
        return stores.get(read.region())
                .read(read.key().tenant(), read.key().key())
                .onErrorMap(StoreUnavailable::is, e -> StoreUnavailable.problem(read.region(), e))
                .map(lookup -> results.of(
                        read.key(),
                        lookup.state(),
                        lookup.source(),
                        read.region(),
                        List.of(read.region()),
                        read.level(),
                        null));
    }

    /**
     * The key as the log had it at {@code instant} ({@link KeyLog#asOf}), in the routed region's cluster,
     * whatever the consistency level: every region answers the same.
     */
    private Mono<ReadResult> past(ReadRequest read, Instant instant) {
        KeyRef key = read.key();
        return Mono.fromCallable(() -> log.asOf(read.region(), key.tenant(), key.key(), instant))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(LOG_READ_TIMEOUT)
                .onErrorMap(
                        e -> !(e instanceof KvProblem),
                        e -> KvProblem.unavailable(
                                "log-unavailable",
                                "the log of key '" + key + "' could not be read in " + read.region() + ": " + e))
                .filter(state -> !state.isEmpty())
                .map(state -> results.of(
                        key,
                        state,
                        Source.LOG,
                        read.region(),
                        List.of(read.region()),
                        read.level(),
                        null,
                        instant.toEpochMilli()));
    }

    private static KvProblem notFound(ReadRequest read, ReadResult deleted) {
        KvProblem problem = KvProblem.notFound("key '" + read.key() + "' not found in " + read.region());
        return deleted == null ? problem : problem.withTokens(deleted.context(), deleted.session());
    }
}
