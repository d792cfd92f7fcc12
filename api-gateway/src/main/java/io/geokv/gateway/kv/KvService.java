package io.geokv.gateway.kv;

import io.geokv.conflict.HybridLogicalClock;
import io.geokv.conflict.KeyLimits;
import io.geokv.conflict.KeyState;
import io.geokv.conflict.Resolution;
import io.geokv.conflict.Sibling;
import io.geokv.conflict.SiblingResolver;
import io.geokv.conflict.VersionVector;
import io.geokv.event.EventTopics;
import io.geokv.event.EventValidator;
import io.geokv.event.InputRules;
import io.geokv.event.KvEvents;
import io.geokv.event.avro.KvEvent;
import io.geokv.gateway.consistency.HomeRegions;
import io.geokv.gateway.events.EventPublisher;
import io.geokv.gateway.resolution.ResolutionRules;
import io.geokv.gateway.session.SessionPositions;
import io.geokv.gateway.tokens.ClientTokens;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.progress.KeyLogEnds;
import io.geokv.progress.RegionProgress;
import io.geokv.store.Lookup;
import io.geokv.store.RegionStore;
import io.geokv.store.RegionStores;
import io.geokv.store.Source;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes and reads of one key at the consistency level a client asks for (docs/product.md, 'Consistency levels'). A
 * write becomes one event on the routed region's topic; a read resolves a region's merged state with
 * the key's resolution policy.
 */
public final class KvService {

    private static final Logger log = LoggerFactory.getLogger(KvService.class);

    /**
     * How long the levels may wait: a session read for its writes, a strong write for every region, a
     * conditional write for its key's lock, and the longest a lock is held waiting for the home region
     * to apply the write it arbitrated (past it the lock is released, and logged as an error).
     *
     * @param publishFence how long after an arbiter recorded its intent its event may still be appended
     *     to the log ({@link EventPublisher#lastAppendBound()}): the next arbiter of the key waits that
     *     long after an intent its arbiter did not clear
     */
    public record Waits(Duration session, Duration strong, Duration lock, Duration lockHold, Duration publishFence) {}

    private final RegionStores stores;
    private final EventPublisher publisher;
    private final HybridLogicalClock clock;
    private final String defaultTenant;
    private final ResolutionRules resolution;
    private final ClientTokens tokens;
    private final RegionProgress progress;
    private final HomeRegions homes;
    private final Predicate<String> serving;
    private final Waits waits;
    private final KeyLimits limits;
    private final KeyLogEnds logEnds;

    /**
     * @param serving whether a region is healthy enough to serve: strong writes wait for these regions
     *     only, strong and session reads only read these
     */
    public KvService(
            RegionStores stores,
            EventPublisher publisher,
            HybridLogicalClock clock,
            String defaultTenant,
            ResolutionRules resolution,
            ClientTokens tokens,
            RegionProgress progress,
            Predicate<String> serving,
            Waits waits,
            KeyLimits limits,
            KeyLogEnds logEnds) {
        this.stores = stores;
        this.publisher = publisher;
        this.clock = clock;
        this.defaultTenant = defaultTenant;
        this.resolution = resolution;
        this.tokens = tokens;
        this.progress = progress;
        this.homes = new HomeRegions(stores.names());
        this.serving = serving;
        this.waits = waits;
        this.limits = limits;
        this.logEnds = logEnds;
    }

    /** The largest value a write may carry. */
    public long maxValueBytes() {
        return limits.maxValueBytes();
    }

    /** The key of a {@code {*key}} path capture, which includes the leading slash. */
    public static String keyFromPath(String captured) {
        return captured.startsWith("/") ? captured.substring(1) : captured;
    }

    /**
     * What a client wants written: {@code value == null} deletes; a null or blank tenant is the default
     * one; tokens are as received, or null.
     */
    public record WriteCommand(
            String region,
            String tenant,
            String key,
            byte[] value,
            String contentType,
            String contextToken,
            String ifMatch,
            String consistency,
            String sessionToken) {}

    /**
     * @param context the context token of the write: for a strong write, the state it was applied to
     *     (which covers the write itself); otherwise the context the write was based on
     * @param session the session token covering this write and the session's earlier ones
     * @param appliedIn for a strong write, the regions that had applied it when it returned
     */
    public record WriteResult(
            String eventId, String context, String session, Consistency consistency, List<String> appliedIn) {}

    /** What a client wants read; tokens are as received, or null. */
    public record ReadCommand(String region, String tenant, String key, String consistency, String sessionToken) {}

    /**
     * The state of a key and what its resolution policy shows of it: a {@link Resolution.Value} or a
     * {@link Resolution.Conflict}, never {@link Resolution.Absent}.
     *
     * @param servedBy the region whose state it is (for a strong read, the routed region)
     * @param regionsRead the regions whose states were merged (strong reads), else {@code servedBy} alone
     * @param session for a session read, the session token that also covers what this read saw; else null
     */
    public record ReadResult(
            KeyState state,
            Source source,
            Resolution resolution,
            String context,
            String servedBy,
            List<String> regionsRead,
            Consistency consistency,
            String session) {}

    public Mono<WriteResult> write(WriteCommand command) {
        String tenant = tenantOrDefault(command.tenant());
        checkKey(tenant, command.key());
        if (command.value() != null && command.value().length > limits.maxValueBytes()) {
            throw KvProblem.tooLarge("value is larger than the limit of " + limits.maxValueBytes() + " bytes");
        }
        Consistency level = Consistency.of(command.consistency(), command.sessionToken() != null);
        Optional<VersionVector> clientContext =
                Optional.ofNullable(command.contextToken()).map(token -> context(token, tenant, command.key()));
        Optional<VersionVector> expected =
                Optional.ofNullable(command.ifMatch()).map(token -> context(token, tenant, command.key()));
        SessionPositions session = session(command.sessionToken());
        if (expected.isPresent() && level == Consistency.STRONG) {
            return arbitrated(command, tenant, expected.get(), clientContext, session);
        }
        RegionStore store = stores.get(command.region());
        Mono<KeyState> current = store.read(tenant, command.key())
                .map(Lookup::state)
                .defaultIfEmpty(KeyState.empty())
                .onErrorResume(e -> {
                    if (expected.isPresent()) {
                        return Mono.error(KvProblem.unavailable(
                                "region-store-unavailable",
                                "cannot check If-Match: region " + command.region() + " store is unreachable"));
                    }
                    // A write whose region store is unreachable is still accepted: a blind one is based
                    // on nothing, so it stays concurrent with what it could not see; the merge still
                    // bounds the key's siblings.
                    log.debug(
                            "region {} store unreachable, write of {} is not checked against its state",
                            command.region(),
                            command.key(),
                            e);
                    return Mono.just(KeyState.empty());
                });
        return current.flatMap(state -> {
                    expected.ifPresent(context -> requireMatch(state, context, command.region(), command.key()));
                    return publish(command, tenant, state, clientContext.orElse(state.context()), session);
                })
                .flatMap(published -> level == Consistency.STRONG
                        ? awaitEveryRegion(command, tenant, published, session, servingRegions())
                        : Mono.just(published.result(tokens, session, level)));
    }

    /**
     * A conditional strong write: the key's home region arbitrates. Under the key's lock in the home
     * region's PostgreSQL, the arbiter first waits out the publish fence of an arbiter that went away
     * without clearing its intent, so that no event of an earlier arbitration can still enter the log;
     * then the home region catches up with the key's log (every write of the key acknowledged so far,
     * in any region); then the condition is checked against its state, the intent is recorded, and the
     * write is published and applied there before the intent is cleared and the lock released. So the
     * next conditional write of the key sees it, and of two racing writes with the same condition only
     * one can succeed, whatever happens to the first one's client, gateway or lock connection.
     *
     * <p>The locked work runs detached from the request: a client that cancels, or times out, cannot
     * make it release the lock before the home region has applied the write it published.
     */
    private Mono<WriteResult> arbitrated(
            WriteCommand command,
            String tenant,
            VersionVector expected,
            Optional<VersionVector> clientContext,
            SessionPositions session) {
        String home = homes.homeOf(tenant, command.key());
        RegionStore homeStore = stores.get(home);
        CompletableFuture<Published> published = new CompletableFuture<>();
        homeStore
                .locks()
                .whileLocked(
                        tenant,
                        command.key(),
                        waits.lock(),
                        lock -> awaitFence(homeStore, tenant, command.key())
                                .then(logEnds.of(tenant, command.key()))
                                .flatMap(ends -> progress.awaitAll(List.of(home), ends, waits.strong()))
                                .flatMap(caughtUp -> caughtUp.isEmpty()
                                        ? Mono.error(KvProblem.unavailable(
                                                "arbiter-behind",
                                                "the home region of key '"
                                                        + command.key() + "', " + home
                                                        + ", has not applied the key's log after "
                                                        + waits.strong().toMillis() + " ms; the write was not applied"))
                                        : homeStore
                                                .reader()
                                                .find(tenant, command.key())
                                                .defaultIfEmpty(KeyState.empty()))
                                .flatMap(state -> {
                                    requireMatch(state, expected, home, command.key());
                                    VersionVector context = clientContext.orElse(state.context());
                                    KvEvent event = event(command, tenant, state, context, session);
                                    // The intent is visible before the lock is shown to be still held, so an
                                    // arbiter that took the lock over after this one lost it is fenced by it.
                                    // A lost lock publishes nothing, and its intent is withdrawn (best effort) so
                                    // that it does not fence the next arbiter for nothing.
                                    return homeStore
                                            .intents()
                                            .record(tenant, command.key(), event.getEventId())
                                            .then(lock.verify()
                                                    .onErrorResume(lost -> homeStore
                                                            .intents()
                                                            .clear(tenant, command.key(), event.getEventId())
                                                            .onErrorResume(e -> Mono.empty())
                                                            .then(Mono.error(lost))))
                                            .then(send(command, tenant, context, event));
                                })
                                .doOnNext(published::complete)
                                .flatMap(accepted -> progress.awaitAll(
                                                List.of(home),
                                                accepted.positions(session).positions(),
                                                waits.lockHold())
                                        .flatMap(applied -> {
                                            if (applied.isEmpty()) {
                                                log.error(
                                                        "home region {} did not apply the conditional write {} of {} within {};"
                                                                + " releasing its lock",
                                                        home,
                                                        accepted.eventId(),
                                                        command.key(),
                                                        waits.lockHold());
                                                return Mono.just(applied);
                                            }
                                            return homeStore
                                                    .intents()
                                                    .clear(tenant, command.key(), accepted.eventId())
                                                    .thenReturn(applied);
                                        })))
                .subscribe(applied -> {}, error -> {
                    if (!published.completeExceptionally(error)) {
                        log.warn(
                                "conditional write of {}: lock released after an error: {}",
                                command.key(),
                                error.toString());
                    }
                });
        // Failures before the event is published (lock, fence, catching up, reading) leave nothing
        // behind; publish's own failures are problems already.
        return Mono.fromFuture(published, true)
                .onErrorMap(
                        e -> !(e instanceof KvProblem),
                        e -> KvProblem.unavailable(
                                "arbiter-unavailable",
                                "the home region of key '" + command.key() + "', " + home
                                        + ", could not arbitrate the conditional write (" + e.getMessage()
                                        + "); it was not applied"))
                .flatMap(accepted -> awaitEveryRegion(command, tenant, accepted, session, servingRegions()));
    }

    /**
     * Waits until no event of an earlier arbitration of the key whose arbiter went away without
     * clearing its intent can still be appended; 503 with {@code Retry-After} when that is longer than
     * a strong write may wait.
     */
    private Mono<Void> awaitFence(RegionStore home, String tenant, String key) {
        return home.intents().find(tenant, key).flatMap(intent -> {
            Duration left = waits.publishFence().minus(intent.age());
            if (left.isNegative() || left.isZero()) {
                return Mono.empty();
            }
            if (left.compareTo(waits.strong()) > 0) {
                return Mono.error(KvProblem.unavailable(
                                "arbiter-fenced",
                                "an earlier conditional write"
                                        + " of key '" + key + "' (event " + intent.eventId()
                                        + ") may still enter the log for "
                                        + left.toMillis()
                                        + " ms: its arbiter went away before it was applied; the write was not applied")
                        .retryAfter(left));
            }
            log.info(
                    "conditional write of {}: waiting {} ms for the fence of event {} whose arbiter went away",
                    key,
                    left.toMillis(),
                    intent.eventId());
            return Mono.delay(left).then();
        });
    }

    /**
     * Publishes the write as an event based on {@code context}, once it is within the key's limits
     * given the region's current {@code state}. The event's timestamp is after every timestamp of that
     * state and of the session, so under last-writer-wins a client's later write wins over what it
     * has written or read, whatever the skew between gateways' clocks.
     */
    private Mono<Published> publish(
            WriteCommand command, String tenant, KeyState state, VersionVector context, SessionPositions session) {
        return send(command, tenant, context, event(command, tenant, state, context, session));
    }

    /** The event of the write, checked against the key's limits and the event rules. */
    private KvEvent event(
            WriteCommand command, String tenant, KeyState state, VersionVector context, SessionPositions session) {
        checkLimits(state, context, command);
        observeClocks(state);
        clock.observe(session.clock());
        String eventId = UUID.randomUUID().toString();
        KvEvent event = KvEvents.newEvent(
                eventId,
                tenant,
                command.key(),
                command.value(),
                command.contentType(),
                command.region(),
                context,
                clock.tick());
        EventValidator.violation(
                        event,
                        command.region(),
                        EventTopics.recordKey(tenant, command.key()),
                        limits.maxValueBytes(),
                        stores.names())
                .ifPresent(violation -> {
                    throw KvProblem.invalid("invalid-write", violation);
                });
        return event;
    }

    private Mono<Published> send(WriteCommand command, String tenant, VersionVector context, KvEvent event) {
        String eventId = event.getEventId();
        return publisher
                .publish(event)
                .map(position ->
                        new Published(eventId, tenant, command.key(), context, event.getOriginTimestamp(), position))
                .onErrorMap(e -> !(e instanceof KvProblem), e -> PublishFailures.problem(command.key(), eventId, e));
    }

    /**
     * The key keeps at most the limits' siblings and state size: a write that would add a sibling
     * beyond them (its context leaves too many current values uncovered) is refused with 409, so that
     * the client resolves the conflict first. Blind writes cover the region's whole state and never are.
     */
    private void checkLimits(KeyState state, VersionVector context, WriteCommand command) {
        List<Sibling> kept =
                state.siblings().stream().filter(s -> !context.covers(s.dot())).toList();
        if (kept.size() + 1 > limits.siblingsBound()) {
            throw KvProblem.of(
                    KvProblem.Kind.CONFLICT,
                    "too-many-siblings",
                    "key '" + command.key() + "' already has "
                            + kept.size() + " concurrent values this write's context does not cover, and keeps at most "
                            + limits.siblingsBound() + ": read it and write with its X-Context to resolve them");
        }
        long bytes = (command.value() == null ? 0 : command.value().length)
                + kept.stream().mapToLong(Sibling::valueLength).sum();
        if (bytes > limits.maxStateBytes()) {
            throw KvProblem.of(
                    KvProblem.Kind.CONFLICT,
                    "state-too-large",
                    "key '" + command.key() + "' would hold "
                            + bytes + " bytes of concurrent values, more than the limit of " + limits.maxStateBytes()
                            + ": read it and write with its X-Context to resolve them");
        }
    }

    /**
     * A strong write returns once every region has applied it, with the context of the state it made,
     * read from the routed region or, when its store does not answer, the next region that does.
     */
    private Mono<WriteResult> awaitEveryRegion(
            WriteCommand command, String tenant, Published published, SessionPositions session, List<String> regions) {
        return progress.awaitAll(regions, published.positions(session).positions(), waits.strong())
                .flatMap(applied -> {
                    if (applied.size() < regions.size()) {
                        return Mono.error(strongTimeout(command, published, applied));
                    }
                    List<String> readOrder = new ArrayList<>(applied);
                    if (readOrder.remove(command.region())) {
                        readOrder.add(0, command.region());
                    }
                    return Flux.fromIterable(readOrder)
                            .concatMap(region -> stores.get(region)
                                    .reader()
                                    .find(tenant, command.key())
                                    .onErrorResume(e -> {
                                        log.debug(
                                                "strong write of {}: no state from {}: {}",
                                                command.key(),
                                                region,
                                                e.toString());
                                        return Mono.empty();
                                    }))
                            .next()
                            .switchIfEmpty(Mono.error(() -> {
                                return KvProblem.unavailable(
                                                "region-store-unavailable",
                                                "the write of key '" + command.key()
                                                        + "' is applied in every region, but no region's"
                                                        + " store answered with its context; read the key to get it")
                                        .with("event_id", published.eventId())
                                        .with("applied_regions", applied);
                            }))
                            .map(state -> new WriteResult(
                                    published.eventId(),
                                    tokens.context(state.context(), tenant, command.key()),
                                    tokens.session(published.positions(session)),
                                    Consistency.STRONG,
                                    applied));
                });
    }

    private KvProblem strongTimeout(WriteCommand command, Published published, List<String> applied) {
        return KvProblem.timeout(
                        "strong-write-timeout",
                        "the write of key '" + command.key()
                                + "' is durable in Kafka and will be applied everywhere, but only " + applied
                                + " had applied it after " + waits.strong().toMillis() + " ms")
                .with("event_id", published.eventId())
                .with("applied_regions", applied);
    }

    private static void requireMatch(KeyState state, VersionVector expected, String region, String key) {
        if (state.isEmpty()) {
            throw KvProblem.preconditionFailed("If-Match given but key '" + key + "' has no state in " + region);
        }
        if (!state.context().equals(expected)) {
            throw KvProblem.preconditionFailed(
                    "key '" + key + "' changed in " + region + " since that context was read; read it again and retry");
        }
    }

    /**
     * What a key shows; errors with a 404 problem when it is absent or deleted. The 404 of a deleted key
     * carries the key's {@code X-Context} (and a session read's {@code X-Session}), so that a client can
     * write after the delete it saw.
     */
    public Mono<ReadResult> read(ReadCommand command) {
        String tenant = tenantOrDefault(command.tenant());
        checkKey(tenant, command.key());
        Consistency level = Consistency.of(command.consistency(), command.sessionToken() != null);
        SessionPositions session = session(command.sessionToken());
        SiblingResolver resolver = resolution.resolverFor(tenant, command.key());
        Mono<ReadResult> read = switch (level) {
            case EVENTUAL ->
                stores.get(command.region())
                        .read(tenant, command.key())
                        .onErrorMap(StoreUnavailable::is, e -> StoreUnavailable.problem(command.region(), e))
                        .map(lookup -> result(
                                tenant,
                                command.key(),
                                resolver,
                                lookup.state(),
                                lookup.source(),
                                command.region(),
                                List.of(command.region()),
                                level,
                                null));
            case SESSION -> readOwnWrites(command, tenant, session, resolver);
            case STRONG -> readEveryRegion(command, tenant, resolver);
        };
        return read.switchIfEmpty(Mono.error(() -> notFound(command, null)))
                .flatMap(result -> result.resolution() instanceof Resolution.Absent
                        ? Mono.error(notFound(command, result))
                        : Mono.just(result));
    }

    private static KvProblem notFound(ReadCommand command, ReadResult deleted) {
        KvProblem problem = KvProblem.notFound("key '" + command.key() + "' not found in " + command.region());
        return deleted == null ? problem : problem.withTokens(deleted.context(), deleted.session());
    }

    /**
     * The routed region once it has applied the session's writes, or else the first region that has;
     * from PostgreSQL, which holds every applied write (the cache may still be catching up). The answer's
     * session token also covers what the serving region had applied of the key's partitions, so that
     * the session's later reads never show less, whichever region serves them.
     */
    private Mono<ReadResult> readOwnWrites(
            ReadCommand command, String tenant, SessionPositions session, SiblingResolver resolver) {
        List<String> preference = new ArrayList<>(List.of(command.region()));
        servingRegions().stream().filter(r -> !r.equals(command.region())).forEach(preference::add);
        List<EventPartition> keyPartitions = logEnds.partitionsOf(tenant, command.key());
        return progress.firstToApply(preference, session.positions(), waits.session())
                .switchIfEmpty(Mono.error(() -> KvProblem.timeout(
                        "session-not-available",
                        "no region had applied this session's writes after "
                                + waits.session().toMillis() + " ms; they are durable, retry shortly")))
                // What the region has applied is asked after the read, so the token covers all it showed.
                .flatMap(region -> stores.get(region)
                        .reader()
                        .find(tenant, command.key())
                        .flatMap(state -> progress.appliedNow(region).map(applied -> {
                            LogPositions seen = LogPositions.empty();
                            for (EventPartition partition : keyPartitions) {
                                seen = seen.with(partition, applied.next(partition));
                            }
                            return result(
                                    tenant,
                                    command.key(),
                                    resolver,
                                    state,
                                    Source.DB,
                                    region,
                                    List.of(region),
                                    Consistency.SESSION,
                                    tokens.session(session.withSeen(seen)));
                        }))
                        .onErrorMap(StoreUnavailable::is, e -> StoreUnavailable.problem(region, e)));
    }

    /**
     * Every serving region's state from PostgreSQL, merged, once one of them has applied the key's whole
     * log as it stood when the read began: so a strong read shows every write acknowledged before it,
     * wherever it was written. Regions that cannot be read are left out, but not the one that has caught
     * up; if none catches up within the strong timeout, 504.
     */
    private Mono<ReadResult> readEveryRegion(ReadCommand command, String tenant, SiblingResolver resolver) {
        List<String> regions = servingRegions();
        List<String> preference = new ArrayList<>(regions);
        preference.remove(command.region());
        if (regions.contains(command.region())) {
            preference.add(0, command.region());
        }
        return logEnds.of(tenant, command.key())
                .timeout(waits.strong())
                .onErrorMap(
                        e -> !(e instanceof KvProblem),
                        e -> KvProblem.unavailable(
                                "kafka-unavailable",
                                "cannot learn where the log of key '" + command.key() + "' ends: " + e.getMessage()))
                .flatMap(ends -> progress.firstToApply(preference, ends, waits.strong()))
                .switchIfEmpty(Mono.error(() -> KvProblem.timeout(
                        "strong-read-timeout",
                        "no region had applied the log of key '" + command.key() + "' after "
                                + waits.strong().toMillis() + " ms; retry shortly")))
                .flatMap(caughtUp -> readAndMerge(command, tenant, resolver, regions, caughtUp));
    }

    private Mono<ReadResult> readAndMerge(
            ReadCommand command, String tenant, SiblingResolver resolver, List<String> regions, String caughtUp) {
        return Flux.fromIterable(regions)
                .flatMapSequential(region -> stores.get(region)
                        .reader()
                        .find(tenant, command.key())
                        .defaultIfEmpty(KeyState.empty())
                        .map(state -> new RegionState(region, state))
                        .onErrorResume(e -> {
                            if (region.equals(caughtUp)) {
                                return Mono.error(StoreUnavailable.is(e) ? StoreUnavailable.problem(region, e) : e);
                            }
                            log.debug("strong read of {} skips region {}: {}", command.key(), region, e.toString());
                            return Mono.empty();
                        }))
                .collectList()
                .flatMap(states -> {
                    KeyState merged = states.stream().map(RegionState::state).reduce(KeyState.empty(), KeyState::merge);
                    return merged.isEmpty()
                            ? Mono.empty()
                            : Mono.just(result(
                                    tenant,
                                    command.key(),
                                    resolver,
                                    merged,
                                    Source.DB,
                                    command.region(),
                                    states.stream().map(RegionState::region).toList(),
                                    Consistency.STRONG,
                                    null));
                });
    }

    private record RegionState(String region, KeyState state) {}

    /** What a read shows; the gateway observes the state's clocks, so its next writes come after them. */
    private ReadResult result(
            String tenant,
            String key,
            SiblingResolver resolver,
            KeyState state,
            Source source,
            String servedBy,
            List<String> regionsRead,
            Consistency level,
            String session) {
        observeClocks(state);
        return new ReadResult(
                state,
                source,
                resolver.resolve(state.siblings()),
                tokens.context(state.context(), tenant, key),
                servedBy,
                regionsRead,
                level,
                session);
    }

    /** The gateway's next writes are stamped after every value of {@code state}. */
    private void observeClocks(KeyState state) {
        state.siblings().forEach(sibling -> clock.observe(sibling.timestamp()));
    }

    /** A write Kafka has acknowledged, with the timestamp it carries. */
    private record Published(
            String eventId, String tenant, String key, VersionVector context, long timestamp, RecordMetadata position) {

        SessionPositions positions(SessionPositions session) {
            return session.withWrite(
                    new EventPartition(position.topic(), position.partition()), position.offset(), timestamp);
        }

        WriteResult result(ClientTokens tokens, SessionPositions session, Consistency level) {
            return new WriteResult(
                    eventId,
                    tokens.context(context, tenant, key),
                    tokens.session(positions(session)),
                    level,
                    List.of());
        }
    }

    /**
     * The regions that serve: a strong write waits for these (a region that is down cannot hold it up).
     * When none does, every region: a strong write never succeeds having been applied nowhere.
     */
    private List<String> servingRegions() {
        List<String> regions = stores.names().stream().filter(serving).toList();
        return regions.isEmpty() ? stores.names() : regions;
    }

    private String tenantOrDefault(String tenant) {
        return tenant == null || tenant.isBlank() ? defaultTenant : tenant;
    }

    public List<String> regions() {
        return stores.names();
    }

    private static void checkKey(String tenant, String key) {
        InputRules.tenantViolation(tenant).ifPresent(message -> {
            throw KvProblem.invalid("invalid-tenant", message);
        });
        InputRules.keyViolation(key).ifPresent(message -> {
            throw KvProblem.invalid("invalid-key", message);
        });
    }

    private VersionVector context(String token, String tenant, String key) {
        try {
            return tokens.context(token, tenant, key);
        } catch (IllegalArgumentException e) {
            throw KvProblem.invalid("invalid-context", e.getMessage());
        }
    }

    private SessionPositions session(String token) {
        if (token == null) {
            return SessionPositions.empty();
        }
        try {
            return tokens.session(token);
        } catch (IllegalArgumentException e) {
            throw KvProblem.invalid("invalid-session", e.getMessage());
        }
    }
}
