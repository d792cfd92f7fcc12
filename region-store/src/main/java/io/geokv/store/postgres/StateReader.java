package io.geokv.store.postgres;

import io.geokv.conflict.ContextTokens;
import io.geokv.conflict.KeyState;
import io.geokv.conflict.KeyStateCodec;
import io.geokv.digest.KeyDigest;
import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.store.config.RegionProperties;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Row;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Reactive reads of one region's PostgreSQL (R2DBC over a connection pool), for the gateway.
 * The pool connects lazily: a reader can be created while the database is briefly away.
 */
public final class StateReader {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(5);
    /** Rows per round trip when walking the whole table: memory stays flat whatever the size. */
    private static final int DIGEST_FETCH_SIZE = 1000;

    private final String region;
    private final ConnectionPool pool;
    private final int maxPoolSize;
    private final PostgresqlConnectionFactory listenerFactory;

    public StateReader(RegionProperties region) {
        this.region = region.name();
        this.pool = new ConnectionPool(poolConfiguration(region, "reader"));
        this.maxPoolSize = region.postgres().maxPoolSize();
        this.listenerFactory = connectionFactory(region, "progress");
    }

    /** The key's merged state, or empty when the region has no row for it (tombstones are rows). */
    public Mono<KeyState> find(String tenant, String key) {
        return withConnection(c -> Flux.from(
                                c.createStatement("SELECT state FROM kv_state WHERE tenant = $1 AND key = $2")
                                        .bind(0, tenant)
                                        .bind(1, key)
                                        .execute())
                        .flatMap(result -> result.map((row, meta) -> row.get("state", byte[].class))))
                .next()
                .map(bytes -> decode(tenant, key, bytes));
    }

    /**
     * A key's merged state with what the region had applied when it was read (every partition it had
     * applied anything of).
     */
    public record StateAsOf(String tenant, String key, KeyState state, LogPositions applied) {

        /** The same, with only what the region had applied of {@code partitions}. */
        public StateAsOf of(List<EventPartition> partitions) {
            LogPositions kept = LogPositions.empty();
            Map<EventPartition, Long> all = applied.asMap();
            for (EventPartition partition : partitions) {
                Long next = all.get(partition);
                if (next != null) {
                    kept = kept.with(partition, next);
                }
            }
            return new StateAsOf(tenant, key, state, kept);
        }
    }

    static final String SELECT_STATES_AS_OF = """
            SELECT k.tenant, k.key, s.state, o.topics, o.partitions, o.offsets
            FROM unnest($1::text[], $2::text[]) AS k(tenant, key)
            JOIN kv_state s ON s.tenant = k.tenant AND s.key = k.key
            CROSS JOIN (SELECT array_agg(topic) AS topics, array_agg(partition) AS partitions,
                               array_agg(next_offset) AS offsets
                        FROM applied_offsets) o
            """;

    /**
     * The merged state of each given key that has a row (the i-th key of the i-th tenant) and the
     * region's applied offsets, in one statement, so from one snapshot: the offsets cover exactly what
     * the states show.
     */
    public Flux<StateAsOf> findAllAsOf(List<String> tenants, List<String> keys) {
        return findByKeys(SELECT_STATES_AS_OF, tenants, keys, row -> {
            String tenant = row.get("tenant", String.class);
            String key = row.get("key", String.class);
            String[] topics = row.get("topics", String[].class);
            Integer[] numbers = row.get("partitions", Integer[].class);
            Long[] offsets = row.get("offsets", Long[].class);
            LogPositions applied = LogPositions.empty();
            for (int i = 0; topics != null && i < topics.length; i++) {
                applied = applied.with(new EventPartition(topics[i], numbers[i]), offsets[i]);
            }
            return new StateAsOf(tenant, key, decode(tenant, key, row.get("state", byte[].class)), applied);
        });
    }

    static final String SELECT_WRITE_BASES = """
            SELECT s.tenant, s.key, s.context, s.newest_timestamp,
                   CASE WHEN s.context IS NULL THEN s.state END AS state
            FROM kv_state s JOIN unnest($1::text[], $2::text[]) AS k(tenant, key)
              ON s.tenant = k.tenant AND s.key = k.key
            """;

    /** A key's {@link WriteBase} as {@link #writeBases} finds it. */
    public record FoundBase(String tenant, String key, WriteBase base) {}

    /**
     * The {@link WriteBase} of each given key that has a row (the i-th key of the i-th tenant), in one
     * query that reads two small columns, not the states (rows written before those columns existed
     * are read from their state).
     */
    public Flux<FoundBase> writeBases(List<String> tenants, List<String> keys) {
        return findByKeys(SELECT_WRITE_BASES, tenants, keys, row -> {
            String tenant = row.get("tenant", String.class);
            String key = row.get("key", String.class);
            String context = row.get("context", String.class);
            WriteBase base = context == null
                    ? WriteBase.of(decode(tenant, key, row.get("state", byte[].class)))
                    : new WriteBase(true, ContextTokens.decode(context), row.get("newest_timestamp", Long.class));
            return new FoundBase(tenant, key, base);
        });
    }

    /** The rows a statement finds of keys given as {@code $1} (tenants) and {@code $2} (keys). */
    private <T> Flux<T> findByKeys(String sql, List<String> tenants, List<String> keys, Function<Row, T> mapRow) {
        return withConnection(c -> Flux.from(c.createStatement(sql)
                        .bind(0, tenants.toArray(new String[0]))
                        .bind(1, keys.toArray(new String[0]))
                        .execute())
                .flatMap(result -> result.map((row, meta) -> mapRow.apply(row))));
    }

    /** Rows that are not deleted: what the region serves. */
    public Mono<Long> countLive() {
        return withConnection(c -> Flux.from(c.createStatement("SELECT count(*) FROM kv_state WHERE NOT deleted")
                                .execute())
                        .flatMap(result -> result.map((row, meta) -> row.get(0, Long.class))))
                .next();
    }

    /**
     * A fingerprint of the whole region. The rows are streamed in key order inside one read-only
     * transaction (one snapshot, and the server-side portal lets rows be fetched in chunks).
     */
    public Mono<RegionDigest> digest() {
        return digest(tenant -> true);
    }

    /**
     * A fingerprint of the rows of the tenants {@code tenants} accepts: what two regions that both
     * hold those tenants compare (data residency keeps some tenants out of some regions).
     */
    public Mono<RegionDigest> digest(Predicate<String> tenants) {
        return Flux.usingWhen(
                        pool.create(),
                        c -> Flux.usingWhen(
                                Mono.from(c.beginTransaction()).thenReturn(c),
                                tx -> Flux.from(tx.createStatement(
                                                        "SELECT tenant, key, state_digest, deleted FROM kv_state ORDER BY tenant, key")
                                                .fetchSize(DIGEST_FETCH_SIZE)
                                                .execute())
                                        .concatMap(result -> result.map((row, meta) -> DigestRow.of(row)))
                                        .filter(row -> tenants.test(row.tenant())),
                                Connection::commitTransaction,
                                (tx, error) -> tx.rollbackTransaction(),
                                Connection::rollbackTransaction),
                        Connection::close)
                .collect(DigestAccumulator::new, DigestAccumulator::add)
                .map(DigestAccumulator::result);
    }

    /** How far this region has applied every origin topic partition (its {@code applied_offsets}). */
    public Mono<LogPositions> appliedPositions() {
        return withConnection(c -> appliedPositions(c).flux()).next();
    }

    private static Mono<LogPositions> appliedPositions(Connection c) {
        return Flux.from(c.createStatement("SELECT topic, partition, next_offset FROM applied_offsets")
                        .execute())
                .flatMap(result -> result.map((row, meta) -> Map.entry(
                        new EventPartition(row.get("topic", String.class), row.get("partition", Integer.class)),
                        row.get("next_offset", Long.class))))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .map(LogPositions::of);
    }

    /** Something read from one snapshot of the region, with the positions it had applied in that snapshot. */
    public record AsApplied<T>(T value, LogPositions applied) {}

    /**
     * Folds every key's {@link KeyDigest} (its state hashed by PostgreSQL, SHA-256 of the stored state
     * itself, so a row changed behind replication's back shows) in key order, from one snapshot that
     * also gives what the region had applied. For anti-entropy; a full scan.
     *
     * @param tenants the tenants whose keys are folded
     */
    public <A> Mono<AsApplied<A>> foldKeyDigests(
            Predicate<String> tenants, Supplier<A> initial, BiConsumer<A, KeyDigest> add) {
        return Mono.usingWhen(
                pool.create(),
                c -> Mono.usingWhen(
                        Mono.from(c.beginTransaction(IsolationLevel.REPEATABLE_READ))
                                .thenReturn(c),
                        tx -> appliedPositions(tx)
                                .flatMap(applied -> Flux.from(tx.createStatement(
                                                        "SELECT tenant, key, sha256(state) AS state_hash FROM kv_state"
                                                                + " ORDER BY tenant, key")
                                                .fetchSize(DIGEST_FETCH_SIZE)
                                                .execute())
                                        .concatMap(result -> result.map((row, meta) -> new KeyDigest(
                                                row.get("tenant", String.class),
                                                row.get("key", String.class),
                                                row.get("state_hash", byte[].class))))
                                        .filter(key -> tenants.test(key.tenant()))
                                        .collect(initial, add)
                                        .map(folded -> new AsApplied<>(folded, applied))),
                        Connection::commitTransaction,
                        (tx, error) -> tx.rollbackTransaction(),
                        Connection::rollbackTransaction),
                Connection::close);
    }

    /**
     * Once listening has begun, an empty signal (read the applied offsets now: it covers every commit
     * that came before); then, for each commit that moves this region's applied offsets (they notify
     * {@link GeokvNames#APPLIED_CHANNEL}), the offsets it moved to, or an empty signal when they must
     * be read again ({@link AppliedNotice}). On a connection of its own; completes or errors when that
     * connection is lost.
     */
    public Flux<Optional<LogPositions>> appliedChanges() {
        return Flux.usingWhen(
                listenerFactory.create(),
                connection -> connection
                        .createStatement("LISTEN " + GeokvNames.APPLIED_CHANNEL)
                        .execute()
                        .flatMap(PostgresqlResult::getRowsUpdated)
                        .thenMany(Flux.concat(
                                Mono.just(Optional.<LogPositions>empty()),
                                connection.getNotifications().map(n -> AppliedNotice.moved(n.getParameter())))),
                PostgresqlConnection::close);
    }

    /** Completes when the database answers; errors otherwise (health checks). */
    public Mono<Void> ping() {
        return withConnection(c -> Flux.from(c.createStatement("SELECT 1").execute())
                        .flatMap(result -> result.map((row, meta) -> 1)))
                .then();
    }

    public Mono<Void> close() {
        return pool.disposeLater();
    }

    /**
     * Runs {@code work} on a pooled connection. A connection found closed by the server or the network
     * (SQLSTATE 08006) is one the pool could not yet know was dead (after an outage every pooled
     * connection is): the work is tried again on another one, up to the pool's size, so the first
     * request after an outage still succeeds. Every read here is idempotent.
     */
    private <T> Flux<T> withConnection(Function<Connection, Flux<T>> work) {
        return Flux.usingWhen(pool.create(), work, Connection::close)
                .retryWhen(Retry.max(maxPoolSize).filter(StateReader::connectionLost));
    }

    private static boolean connectionLost(Throwable e) {
        return e instanceof R2dbcException r2dbc && "08006".equals(r2dbc.getSqlState());
    }

    private KeyState decode(String tenant, String key, byte[] bytes) {
        try {
            return KeyStateCodec.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new StoreException(
                    "region " + region + ": stored state of " + tenant + "/" + key + " cannot be decoded: "
                            + e.getMessage(),
                    e);
        }
    }

    /** A lazily connecting pool of this region's PostgreSQL; {@code purpose} names it in {@code pg_stat_activity}. */
    static ConnectionPoolConfiguration poolConfiguration(RegionProperties region, String purpose) {
        RegionProperties.Postgres pg = region.postgres();
        return ConnectionPoolConfiguration.builder(connectionFactory(region, purpose))
                .name(GeokvNames.connectionName(region.name(), purpose))
                .initialSize(0)
                .maxSize(pg.maxPoolSize())
                .maxAcquireTime(ACQUIRE_TIMEOUT)
                // After an outage every pooled connection is dead: validation finds each, and the
                // acquisition must be able to skip them all (within maxAcquireTime) to reach a new one.
                .acquireRetry(pg.maxPoolSize())
                .maxCreateConnectionTime(CONNECT_TIMEOUT)
                .maxIdleTime(Duration.ofMinutes(10))
                .build();
    }

    private static PostgresqlConnectionFactory connectionFactory(RegionProperties region, String purpose) {
        RegionProperties.Postgres pg = region.postgres();
        PostgresqlConnectionConfiguration.Builder config = PostgresqlConnectionConfiguration.builder()
                .host(pg.host())
                .port(pg.port())
                .database(pg.database())
                .username(pg.username())
                .password(pg.password().isEmpty() ? null : pg.password())
                .applicationName(GeokvNames.connectionName(region.name(), purpose))
                .connectTimeout(CONNECT_TIMEOUT);
        if (pg.sslMode() != null) {
            config.sslMode(SSLMode.fromValue(pg.sslMode()));
        }
        if (pg.sslRootCert() != null) {
            config.sslRootCert(pg.sslRootCert());
        }
        return new PostgresqlConnectionFactory(config.build());
    }

    /** What the digest needs of one row, copied out of the driver's row while it is valid. */
    private record DigestRow(String tenant, String key, byte[] stateDigest, boolean deleted) {
        static DigestRow of(Row row) {
            return new DigestRow(
                    row.get("tenant", String.class),
                    row.get("key", String.class),
                    row.get("state_digest", byte[].class),
                    Boolean.TRUE.equals(row.get("deleted", Boolean.class)));
        }
    }

    /**
     * SHA-256 over each row's length-prefixed tenant, key and state digest. Length prefixes keep
     * the encoding unambiguous ("ab"+"c" differs from "a"+"bc"); key order makes it independent of
     * the order in which rows were written.
     */
    private static final class DigestAccumulator {
        private final MessageDigest sha256 = newSha256();
        private long records;
        private long live;

        void add(DigestRow row) {
            put(row.tenant().getBytes(StandardCharsets.UTF_8));
            put(row.key().getBytes(StandardCharsets.UTF_8));
            put(row.stateDigest());
            records++;
            if (!row.deleted()) {
                live++;
            }
        }

        private void put(byte[] bytes) {
            sha256.update(
                    ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
            sha256.update(bytes);
        }

        RegionDigest result() {
            return new RegionDigest(records, live, HexFormat.of().formatHex(sha256.digest()));
        }

        private static MessageDigest newSha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }
    }
}
