package io.geokv.store;

import io.geokv.position.EventPartition;
import io.geokv.store.cache.StateCache;
import io.geokv.store.config.RegionProperties;
import io.geokv.store.postgres.ArbitrationIntents;
import io.geokv.store.postgres.KeyLocks;
import io.geokv.store.postgres.RegionDatabase;
import io.geokv.store.postgres.StateReader;
import io.geokv.store.postgres.StateReader.StateAsOf;
import io.geokv.store.postgres.StateWriter;
import io.geokv.store.postgres.WriteBase;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Everything one region stores: PostgreSQL (the source of truth; JDBC writer, R2DBC reader) and
 * Redis (a cache in front of it).
 */
public final class RegionStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegionStore.class);

    private final RegionProperties properties;
    private final RegionDatabase database;
    private final StateReader reader;
    private final StateCache cache;
    private final StateWriter writer;
    private final KeyLocks locks;
    private final ArbitrationIntents intents;
    private final CoalescedLookups<KeyRow, WriteBase> writeBases;
    private final CoalescedLookups<KeyRow, StateAsOf> statesAsOf;

    /** Keys per query of concurrent lookups. */
    private static final int LOOKUP_BATCH = 256;

    /** A key of a tenant: what concurrent lookups coalesce by. */
    private record KeyRow(String tenant, String key) {

        static List<String> tenants(List<KeyRow> rows) {
            return rows.stream().map(KeyRow::tenant).toList();
        }

        static List<String> keys(List<KeyRow> rows) {
            return rows.stream().map(KeyRow::key).toList();
        }
    }

    private RegionStore(RegionProperties properties, RegionDatabase database, StateReader reader, StateCache cache) {
        this.properties = properties;
        this.database = database;
        this.reader = reader;
        this.cache = cache;
        this.writer = database == null ? null : new StateWriter(database);
        this.locks = new KeyLocks(properties);
        this.intents = new ArbitrationIntents(properties);
        this.writeBases = new CoalescedLookups<>(
                rows -> reader.writeBases(KeyRow.tenants(rows), KeyRow.keys(rows))
                        .collectMap(found -> new KeyRow(found.tenant(), found.key()), StateReader.FoundBase::base),
                LOOKUP_BATCH);
        this.statesAsOf = new CoalescedLookups<>(
                rows -> reader.findAllAsOf(KeyRow.tenants(rows), KeyRow.keys(rows))
                        .collectMap(found -> new KeyRow(found.tenant(), found.key())),
                LOOKUP_BATCH);
    }

    /**
     * Opens the region: creates and migrates its database (so this fails at once, naming the
     * region, when PostgreSQL is unreachable); the R2DBC pool and Redis connect lazily, so a region
     * whose Redis is down still opens and serves from PostgreSQL.
     *
     * @throws io.geokv.store.postgres.StoreException when PostgreSQL cannot be reached or migrated
     */
    public static RegionStore open(RegionProperties properties) {
        RegionDatabase database = RegionDatabase.open(properties);
        StateReader reader = null;
        try {
            reader = new StateReader(properties);
            StateCache cache = new StateCache(properties);
            return new RegionStore(properties, database, reader, cache);
        } catch (RuntimeException e) {
            if (reader != null) {
                reader.close().block(Duration.ofSeconds(5));
            }
            database.close();
            throw e;
        }
    }

    /**
     * Opens the read side of the region only: the R2DBC reader, the cache, the key locks and the
     * arbitration intents, all connecting lazily. No JDBC pool and no migration: the region's
     * writer (replication-streams) owns its schema. For the gateway, which never writes a state.
     */
    public static RegionStore openReadSide(RegionProperties properties) {
        return new RegionStore(properties, null, new StateReader(properties), new StateCache(properties));
    }

    public String name() {
        return properties.name();
    }

    public RegionProperties properties() {
        return properties;
    }

    /** @throws IllegalStateException when the region was opened for its read side only */
    public RegionDatabase database() {
        requireWriteSide();
        return database;
    }

    public StateReader reader() {
        return reader;
    }

    public StateCache cache() {
        return cache;
    }

    /** Key locks for the conditional writes this region arbitrates (connects on first use). */
    public KeyLocks locks() {
        return locks;
    }

    /** The conditional writes this region arbitrates that may still be on their way into the log. */
    public ArbitrationIntents intents() {
        return intents;
    }

    /** @throws IllegalStateException when the region was opened for its read side only */
    public StateWriter writer() {
        requireWriteSide();
        return writer;
    }

    private void requireWriteSide() {
        if (database == null) {
            throw new IllegalStateException("region " + name() + " was opened for its read side only");
        }
    }

    /**
     * What a write without a context of its own needs of the key, from PostgreSQL (the state the
     * region has applied, never a cache that may lag it): concurrent lookups share queries.
     *
     * @return {@link WriteBase#none()} when the region has no row for the key
     */
    public Mono<WriteBase> writeBase(String tenant, String key) {
        return writeBases.lookup(new KeyRow(tenant, key)).defaultIfEmpty(WriteBase.none());
    }

    /**
     * The key's merged state from PostgreSQL with what the region had applied of {@code partitions}
     * when it was read (one snapshot: they cover exactly what the state shows); concurrent reads share
     * queries.
     *
     * @return empty when the region has no row for the key
     */
    public Mono<StateAsOf> readAsOf(String tenant, String key, List<EventPartition> partitions) {
        return statesAsOf.lookup(new KeyRow(tenant, key)).map(found -> found.of(partitions));
    }

    /**
     * Read-through: Redis first; on a miss, or when Redis fails, PostgreSQL, whose answer is then
     * cached (only if no entry appeared meanwhile: the sink's entry is at least as new).
     *
     * @return the state and who served it; empty when the region has no row for the key
     */
    public Mono<Lookup> read(String tenant, String key) {
        Mono<Lookup> fromCache = cache.get(tenant, key)
                .map(state -> new Lookup(state, Source.CACHE))
                .onErrorResume(e -> {
                    log.debug(
                            "region {}: cache read of {}/{} failed, reading PostgreSQL: {}",
                            name(),
                            tenant,
                            key,
                            e.toString());
                    return Mono.empty();
                });
        Mono<Lookup> fromDatabase = reader.find(tenant, key)
                .flatMap(state -> cache.putIfAbsent(tenant, key, state)
                        .onErrorResume(e -> {
                            log.debug("region {}: cache fill of {}/{} failed: {}", name(), tenant, key, e.toString());
                            return Mono.just(false);
                        })
                        .thenReturn(new Lookup(state, Source.DB)));
        return fromCache.switchIfEmpty(fromDatabase);
    }

    @Override
    public void close() {
        try {
            cache.close();
        } finally {
            try {
                Mono.when(reader.close(), locks.close(), intents.close()).block(Duration.ofSeconds(5));
            } finally {
                if (database != null) {
                    database.close();
                }
            }
        }
    }
}
