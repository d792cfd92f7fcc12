package io.geokv.gateway.kv;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.geokv.conflict.HybridLogicalClock;
import io.geokv.conflict.KeyState;
import io.geokv.conflict.Resolution;
import io.geokv.conflict.SiblingResolver;
import io.geokv.conflict.VersionVector;
import io.geokv.event.InputRules;
import io.geokv.event.KvEvents;
import io.geokv.event.avro.KvEvent;
import io.geokv.gateway.consistency.HomeRegions;
import io.geokv.gateway.consistency.RegionProgress;
import io.geokv.gateway.events.EventPublisher;
import io.geokv.gateway.problem.Problems;
import io.geokv.gateway.resolution.ResolutionRules;
import io.geokv.gateway.session.SessionPositions;
import io.geokv.gateway.session.SessionPositions.Partition;
import io.geokv.gateway.tokens.ClientTokens;
import io.geokv.store.Lookup;
import io.geokv.store.RegionStore;
import io.geokv.store.RegionStores;
import io.geokv.store.Source;

/**
 * Writes and reads of one key at the consistency level a client asks for (PRODUCT.md section 4). A
 * write becomes one event on the routed region's topic; a read resolves a region's merged state with
 * the key's resolution policy.
 */
public final class KvService {

    private static final Logger log = LoggerFactory.getLogger(KvService.class);

    /** How long the levels may wait: a session read for its writes, a strong write for every region. */
    public record Waits(Duration session, Duration strong, Duration lock) {}

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

    /**
     * @param serving whether a region is healthy enough to serve: strong writes wait for these regions
     *     only, strong and session reads only read these
     */
    public KvService(RegionStores stores, EventPublisher publisher, HybridLogicalClock clock, String defaultTenant,
            ResolutionRules resolution, ClientTokens tokens, RegionProgress progress, Predicate<String> serving,
            Waits waits) {
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
    }

    /** The key of a {@code {*key}} path capture, which includes the leading slash. */
    public static String keyFromPath(String captured) {
        return captured.startsWith("/") ? captured.substring(1) : captured;
    }

    /**
     * What a client wants written: {@code value == null} deletes; a null or blank tenant is the default
     * one; tokens are as received, or null.
     */
    public record WriteCommand(String region, String tenant, String key, byte[] value, String contentType,
            String contextToken, String ifMatch, String consistency, String sessionToken) {}

    /**
     * @param context the context token of the write: for a strong write, the state it was applied to
     *     (which covers the write itself); otherwise the context the write was based on
     * @param session the session token covering this write and the session's earlier ones
     * @param appliedIn for a strong write, the regions that had applied it when it returned
     */
    public record WriteResult(String eventId, String context, String session, Consistency consistency,
            List<String> appliedIn) {}

    /** What a client wants read; tokens are as received, or null. */
    public record ReadCommand(String region, String tenant, String key, String consistency, String sessionToken) {}

    /**
     * The state of a key and what its resolution policy shows of it: a {@link Resolution.Value} or a
     * {@link Resolution.Conflict}, never {@link Resolution.Absent}.
     *
     * @param servedBy the region whose state it is (for a strong read, the routed region)
     * @param regionsRead the regions whose states were merged (strong reads), else {@code servedBy} alone
     */
    public record ReadResult(KeyState state, Source source, Resolution resolution, String context,
            String servedBy, List<String> regionsRead, Consistency consistency) {}

    public Mono<WriteResult> write(WriteCommand command) {
        String tenant = tenantOrDefault(command.tenant());
        checkKey(tenant, command.key());
        Consistency level = Consistency.of(command.consistency(), command.sessionToken() != null);
        Optional<VersionVector> clientContext = Optional.ofNullable(command.contextToken()).map(this::context);
        Optional<VersionVector> expected = Optional.ofNullable(command.ifMatch()).map(this::context);
        SessionPositions session = session(command.sessionToken());
        if (expected.isPresent() && level == Consistency.STRONG) {
            return arbitrated(command, tenant, expected.get(), clientContext, session);
        }
        RegionStore store = stores.get(command.region());
        Mono<KeyState> current = (clientContext.isPresent() && expected.isEmpty())
                ? Mono.just(KeyState.empty())
                : store.read(tenant, command.key()).map(Lookup::state)
                        .defaultIfEmpty(KeyState.empty())
                        .onErrorResume(e -> {
                            if (expected.isPresent()) {
                                return Mono.error(Problems.unavailable("region-store-unavailable",
                                        "cannot check If-Match: region " + command.region() + " store is unreachable"));
                            }
                            // A blind write whose region store is unreachable is still accepted: it is
                            // based on nothing, so it stays concurrent with what it could not see.
                            log.debug("region {} store unreachable, blind write gets an empty context", command.region(), e);
                            return Mono.just(KeyState.empty());
                        });
        return current.flatMap(state -> {
            expected.ifPresent(context -> requireMatch(state, context, command.region(), command.key()));
            return publish(command, tenant, clientContext.orElse(state.context()));
        }).flatMap(published -> level == Consistency.STRONG
                ? awaitEveryRegion(command, tenant, published, session, servingRegions())
                : Mono.just(published.result(tokens, session, level)));
    }

    /**
     * A conditional strong write: the key's home region arbitrates. Under the key's lock in the home
     * region's PostgreSQL, the condition is checked against the home region's state, and the write is
     * published and applied there before the lock is released; so the next conditional write of the
     * key sees it, and of two racing writes with the same condition only one can succeed.
     */
    private Mono<WriteResult> arbitrated(WriteCommand command, String tenant, VersionVector expected,
            Optional<VersionVector> clientContext, SessionPositions session) {
        String home = homes.homeOf(tenant, command.key());
        RegionStore homeStore = stores.get(home);
        return homeStore.locks().whileLocked(tenant, command.key(), waits.lock(), () ->
                        homeStore.reader().find(tenant, command.key()).defaultIfEmpty(KeyState.empty())
                                .flatMap(state -> {
                                    requireMatch(state, expected, home, command.key());
                                    return publish(command, tenant, clientContext.orElse(state.context()));
                                })
                                .flatMap(published -> progress.awaitAll(List.of(home), published.positions(session),
                                                waits.strong())
                                        .flatMap(applied -> applied.isEmpty()
                                                ? Mono.error(strongTimeout(command, published, List.of()))
                                                : Mono.just(published))))
                .onErrorMap(e -> !(e instanceof ErrorResponseException), e -> Problems.unavailable(
                        "arbiter-unavailable", "the home region of key '" + command.key() + "', " + home
                                + ", could not arbitrate the conditional write (" + e.getMessage() + "); it was not applied"))
                .flatMap(published -> awaitEveryRegion(command, tenant, published, session, servingRegions()));
    }

    private Mono<Published> publish(WriteCommand command, String tenant, VersionVector context) {
        String eventId = UUID.randomUUID().toString();
        KvEvent event = KvEvents.newEvent(eventId, tenant, command.key(), command.value(),
                command.contentType(), command.region(), context, clock.tick());
        return publisher.publish(event)
                .map(position -> new Published(eventId, context, position))
                .onErrorMap(KafkaException.class, e -> Problems.unavailable("kafka-unavailable",
                        "Kafka did not acknowledge the write (" + e.getMessage() + "); it was not applied"));
    }

    /** A strong write returns once every region has applied it, with the context of the state it made. */
    private Mono<WriteResult> awaitEveryRegion(WriteCommand command, String tenant, Published published,
            SessionPositions session, List<String> regions) {
        return progress.awaitAll(regions, published.positions(session), waits.strong()).flatMap(applied -> {
            if (applied.size() < regions.size()) {
                return Mono.error(strongTimeout(command, published, applied));
            }
            return stores.get(command.region()).reader().find(tenant, command.key())
                    .map(state -> new WriteResult(published.eventId(), tokens.context(state.context()),
                            tokens.session(published.positions(session)), Consistency.STRONG, applied));
        });
    }

    private ErrorResponseException strongTimeout(WriteCommand command, Published published, List<String> applied) {
        ErrorResponseException problem = Problems.problem(HttpStatus.GATEWAY_TIMEOUT, "strong-write-timeout",
                "the write of key '" + command.key() + "' is durable in Kafka and will be applied everywhere, but only "
                        + applied + " had applied it after " + waits.strong().toMillis() + " ms");
        problem.getBody().setProperty("event_id", published.eventId());
        problem.getBody().setProperty("applied_regions", applied);
        return problem;
    }

    private static void requireMatch(KeyState state, VersionVector expected, String region, String key) {
        if (state.isEmpty()) {
            throw Problems.preconditionFailed("If-Match given but key '" + key + "' has no state in " + region);
        }
        if (!state.context().equals(expected)) {
            throw Problems.preconditionFailed("key '" + key + "' changed in " + region
                    + " since that context was read; read it again and retry");
        }
    }

    /** What a key shows; errors with a 404 problem when it is absent or deleted. */
    public Mono<ReadResult> read(ReadCommand command) {
        String tenant = tenantOrDefault(command.tenant());
        checkKey(tenant, command.key());
        Consistency level = Consistency.of(command.consistency(), command.sessionToken() != null);
        SessionPositions session = session(command.sessionToken());
        SiblingResolver resolver = resolution.resolverFor(tenant, command.key());
        Mono<ReadResult> read = switch (level) {
            case EVENTUAL -> stores.get(command.region()).read(tenant, command.key())
                    .onErrorMap(StoreUnavailable::is, e -> StoreUnavailable.problem(command.region(), e))
                    .map(lookup -> result(resolver, lookup.state(), lookup.source(), command.region(),
                            List.of(command.region()), level));
            case SESSION -> readOwnWrites(command, tenant, session, resolver);
            case STRONG -> readEveryRegion(command, tenant, resolver);
        };
        return read.filter(result -> !(result.resolution() instanceof Resolution.Absent))
                .switchIfEmpty(Mono.error(() -> Problems.notFound(
                        "key '" + command.key() + "' not found in " + command.region())));
    }

    /**
     * The routed region once it has applied the session's writes, or else the first region that has;
     * from PostgreSQL, which holds every applied write (the cache may still be catching up).
     */
    private Mono<ReadResult> readOwnWrites(ReadCommand command, String tenant, SessionPositions session,
            SiblingResolver resolver) {
        List<String> preference = new ArrayList<>(List.of(command.region()));
        servingRegions().stream().filter(r -> !r.equals(command.region())).forEach(preference::add);
        return progress.firstToApply(preference, session, waits.session())
                .switchIfEmpty(Mono.error(() -> Problems.problem(HttpStatus.GATEWAY_TIMEOUT, "session-not-available",
                        "no region had applied this session's writes after " + waits.session().toMillis()
                                + " ms; they are durable, retry shortly")))
                .flatMap(region -> stores.get(region).reader().find(tenant, command.key())
                        .onErrorMap(StoreUnavailable::is, e -> StoreUnavailable.problem(region, e))
                        .map(state -> result(resolver, state, Source.DB, region, List.of(region), Consistency.SESSION)));
    }

    /** Every serving region's state from PostgreSQL, merged; regions that cannot be read are left out. */
    private Mono<ReadResult> readEveryRegion(ReadCommand command, String tenant, SiblingResolver resolver) {
        List<String> regions = servingRegions();
        return Flux.fromIterable(regions)
                .flatMapSequential(region -> stores.get(region).reader().find(tenant, command.key())
                        .defaultIfEmpty(KeyState.empty())
                        .map(state -> new RegionState(region, state))
                        .onErrorResume(e -> {
                            log.debug("strong read of {} skips region {}: {}", command.key(), region, e.toString());
                            return Mono.empty();
                        }))
                .collectList()
                .flatMap(states -> {
                    if (states.isEmpty()) {
                        return Mono.error(Problems.unavailable("no-region-available",
                                "no region's PostgreSQL answered the strong read of key '" + command.key() + "'"));
                    }
                    KeyState merged = states.stream().map(RegionState::state).reduce(KeyState.empty(), KeyState::merge);
                    return merged.isEmpty() ? Mono.empty() : Mono.just(result(resolver, merged, Source.DB,
                            command.region(), states.stream().map(RegionState::region).toList(), Consistency.STRONG));
                });
    }

    private record RegionState(String region, KeyState state) {}

    private ReadResult result(SiblingResolver resolver, KeyState state, Source source, String servedBy,
            List<String> regionsRead, Consistency level) {
        return new ReadResult(state, source, resolver.resolve(state.siblings()), tokens.context(state.context()),
                servedBy, regionsRead, level);
    }

    /** A write Kafka has acknowledged. */
    private record Published(String eventId, VersionVector context, RecordMetadata position) {

        SessionPositions positions(SessionPositions session) {
            return session.withWrite(new Partition(position.topic(), position.partition()), position.offset());
        }

        WriteResult result(ClientTokens tokens, SessionPositions session, Consistency level) {
            return new WriteResult(eventId, tokens.context(context), tokens.session(positions(session)), level, List.of());
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
            throw Problems.badRequest("invalid-tenant", message);
        });
        InputRules.keyViolation(key).ifPresent(message -> {
            throw Problems.badRequest("invalid-key", message);
        });
    }

    private VersionVector context(String token) {
        try {
            return tokens.context(token);
        } catch (IllegalArgumentException e) {
            throw Problems.badRequest("invalid-context", e.getMessage());
        }
    }

    private SessionPositions session(String token) {
        if (token == null) {
            return SessionPositions.empty();
        }
        try {
            return tokens.session(token);
        } catch (IllegalArgumentException e) {
            throw Problems.badRequest("invalid-session", e.getMessage());
        }
    }
}
