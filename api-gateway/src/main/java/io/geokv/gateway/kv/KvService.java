package io.geokv.gateway.kv;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import io.geokv.conflict.ContextTokens;
import io.geokv.conflict.HybridLogicalClock;
import io.geokv.conflict.KeyState;
import io.geokv.conflict.LastWriterWins;
import io.geokv.conflict.Sibling;
import io.geokv.conflict.VersionVector;
import io.geokv.event.InputRules;
import io.geokv.event.KvEvents;
import io.geokv.event.avro.KvEvent;
import io.geokv.gateway.events.EventPublisher;
import io.geokv.gateway.problem.Problems;
import io.geokv.store.Lookup;
import io.geokv.store.RegionStore;
import io.geokv.store.RegionStores;
import io.geokv.store.Source;

/**
 * Writes and reads of one key in one region. A write becomes one event on the region's topic; a read
 * resolves the region's merged state (Redis first, PostgreSQL on a miss) with last-writer-wins.
 */
public final class KvService {

    private static final Logger log = LoggerFactory.getLogger(KvService.class);

    private final RegionStores stores;
    private final EventPublisher publisher;
    private final HybridLogicalClock clock;
    private final String defaultTenant;

    public KvService(RegionStores stores, EventPublisher publisher, HybridLogicalClock clock, String defaultTenant) {
        this.stores = stores;
        this.publisher = publisher;
        this.clock = clock;
        this.defaultTenant = defaultTenant;
    }

    /** The key of a {@code {*key}} path capture, which includes the leading slash. */
    public static String keyFromPath(String captured) {
        return captured.startsWith("/") ? captured.substring(1) : captured;
    }

    /** What a client wants written: {@code value == null} deletes; a null or blank tenant is the default one. */
    public record WriteCommand(String region, String tenant, String key, byte[] value, String contentType,
            String contextToken, String ifMatch) {}

    public record WriteResult(String eventId, VersionVector context, RecordMetadata position) {}

    /** The current state of a key in a region and the value last-writer-wins makes visible. */
    public record ReadResult(KeyState state, Source source, Sibling winner) {}

    public Mono<WriteResult> write(WriteCommand command) {
        String tenant = tenantOrDefault(command.tenant());
        checkKey(tenant, command.key());
        Optional<VersionVector> clientContext = Optional.ofNullable(command.contextToken()).map(KvService::parseToken);
        Optional<VersionVector> expected = Optional.ofNullable(command.ifMatch()).map(KvService::parseToken);
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
            if (expected.isPresent()) {
                if (state.isEmpty()) {
                    return Mono.error(Problems.preconditionFailed("If-Match given but key '" + command.key()
                            + "' has no state in " + command.region()));
                }
                if (!state.context().equals(expected.get())) {
                    return Mono.error(Problems.preconditionFailed("key '" + command.key() + "' changed in "
                            + command.region() + " since that context was read; read it again and retry"));
                }
            }
            VersionVector context = clientContext.orElse(state.context());
            String eventId = UUID.randomUUID().toString();
            KvEvent event = KvEvents.newEvent(eventId, tenant, command.key(), command.value(),
                    command.contentType(), command.region(), context, clock.tick());
            return publisher.publish(event)
                    .map(position -> new WriteResult(eventId, context, position))
                    .onErrorMap(KafkaException.class, e -> Problems.unavailable("kafka-unavailable",
                            "Kafka did not acknowledge the write (" + e.getMessage() + "); it was not applied"));
        });
    }

    /** The visible value of a key; errors with a 404 problem when the key is absent or deleted. */
    public Mono<ReadResult> read(String region, String tenant, String key) {
        String tenantName = tenantOrDefault(tenant);
        checkKey(tenantName, key);
        return stores.get(region).read(tenantName, key)
                .flatMap(lookup -> Mono.justOrEmpty(LastWriterWins.winner(lookup.state().siblings())
                        .filter(winner -> !winner.isTombstone())
                        .map(winner -> new ReadResult(lookup.state(), lookup.source(), winner))))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("key '" + key + "' not found in " + region)));
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

    private static VersionVector parseToken(String token) {
        try {
            return ContextTokens.decode(token);
        } catch (IllegalArgumentException e) {
            throw Problems.badRequest("invalid-context", e.getMessage());
        }
    }
}
