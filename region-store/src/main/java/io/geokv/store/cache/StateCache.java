package io.geokv.store.cache;

import io.geokv.conflict.KeyState;
import io.geokv.conflict.KeyStateCodec;
import io.geokv.store.config.RegionProperties;
import io.geokv.store.postgres.MaterializedState;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.FlushMode;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * One region's Redis cache of merged states: the {@link KeyStateCodec} bytes under
 * {@code kv:<tenant>/<key>}, expiring after the region's TTL, or sooner when one of the state's
 * values expires before ({@link #expiry}: an entry never outlives what its key shows); reads go through a {@link NearCache}
 * of decoded states in front of it, which Redis keeps valid ({@link InvalidationTracking}).
 * <p>
 * PostgreSQL is the source of truth, so Redis being slow or down must only cost latency, never
 * availability: every command has a short timeout, commands fail at once while disconnected, and
 * connecting is lazy (a store opens while Redis is down and starts caching when it is back).
 */
public final class StateCache implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StateCache.class);

    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

    private final String region;
    private final Duration ttl;
    private final RedisClient client;
    private final LazyConnection readConnection;
    /** Null when the region's near cache is off. */
    private final NearCache nearCache;

    private final InvalidationTracking tracking;
    /**
     * The sink pipelines on its own connection: pipelining switches auto-flush off for the whole
     * connection, which would stall the gateway's reads if they shared it.
     */
    private final LazyConnection sinkConnection;

    /**
     * Set when a sink write failed, or when a sink starts (it cannot know whether its predecessor's
     * last write failed): the entries it meant to replace may now be stale, and nothing tells which.
     * The region's cache is then emptied as soon as Redis answers ({@link #repairIfStale()}, which
     * the sink calls on a schedule, and before its next write), so reads refill it from PostgreSQL
     * and a stale state never outlives the outage.
     */
    private volatile boolean stale;

    public StateCache(RegionProperties region) {
        this.region = region.name();
        this.ttl = region.redis().ttl();
        RedisURI uri = RedisURI.create(region.redis().uri());
        uri.setTimeout(COMMAND_TIMEOUT);
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .socketOptions(
                        SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                // Queueing commands until a reconnect would make callers wait on a dead Redis.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .sslOptions(sslOptions(region.redis()))
                .build());
        RegionProperties.NearCache near = region.redis().nearCache();
        if (near.enabled()) {
            this.nearCache = new NearCache(near.size().toBytes(), near.maxAge());
            this.tracking = new InvalidationTracking(this.region, nearCache);
            this.readConnection = new LazyConnection(this.region, client, uri, tracking::follow);
        } else {
            this.nearCache = null;
            this.tracking = null;
            this.readConnection = new LazyConnection(this.region, client, uri);
        }
        this.sinkConnection = new LazyConnection(this.region, client, uri);
    }

    /** The Redis key of a cache entry: {@code kv:<tenant>/<key>}. */
    public static String cacheKey(String tenant, String key) {
        // A '/' (or '%') in the tenant is escaped so that the first '/' always ends the tenant
        // and two different (tenant, key) pairs never share an entry.
        String t = tenant.indexOf('/') < 0 && tenant.indexOf('%') < 0
                ? tenant
                : tenant.replace("%", "%25").replace("/", "%2F");
        return "kv:" + t + "/" + key;
    }

    /**
     * The cached state, or empty on a miss: from the near cache when it holds the key, else from
     * Redis (and then kept in the near cache). An entry that cannot be decoded (written by an
     * incompatible version, or damaged) counts as a miss and is deleted. Redis errors and timeouts
     * are signalled as errors: the caller falls back to PostgreSQL.
     */
    public Mono<KeyState> get(String tenant, String key) {
        String redisKey = cacheKey(tenant, key);
        KeyState near = nearCache == null ? null : nearCache.get(redisKey);
        if (near != null) {
            return Mono.just(near);
        }
        long ticket = nearCache == null ? 0 : nearCache.ticket();
        byte[] k = redisKey.getBytes(StandardCharsets.UTF_8);
        return readConnection
                .get()
                .flatMap(c -> c.reactive().get(k))
                .doOnError(RedisCommandTimeoutException.class, e -> stalled())
                .flatMap(bytes -> {
                    try {
                        KeyState state = KeyStateCodec.decode(bytes);
                        if (nearCache != null) {
                            nearCache.put(ticket, redisKey, state, bytes.length);
                        }
                        return Mono.just(state);
                    } catch (IllegalArgumentException e) {
                        log.warn(
                                "region {}: dropping undecodable cache entry {}: {}", region, redisKey, e.getMessage());
                        return readConnection
                                .get()
                                .flatMap(c -> c.reactive().del(k))
                                .onErrorResume(ignored -> Mono.empty())
                                .then(Mono.empty());
                    }
                });
    }

    /**
     * Caches a state read from PostgreSQL unless an entry exists (SET NX): a read-through fill
     * carries a state that may already be older than the one the sink has just written.
     *
     * @return whether the entry was written
     */
    public Mono<Boolean> putIfAbsent(String tenant, String key, KeyState state) {
        byte[] k = keyBytes(tenant, key);
        byte[] v = KeyStateCodec.encode(state);
        return readConnection
                .get()
                .flatMap(c -> c.reactive().set(k, v, expiry(state).nx()))
                .map("OK"::equals)
                .defaultIfEmpty(false);
    }

    /**
     * Completes when Redis answers PING; errors otherwise (health checks). A failed ping disarms the
     * near cache (the link may have lost invalidations); an answered one arms it again.
     */
    public Mono<Void> ping() {
        return readConnection
                .get()
                .flatMap(c -> c.reactive().ping().doOnSuccess(pong -> {
                    if (tracking != null) {
                        tracking.answered(c);
                    }
                }))
                .doOnError(e -> stalled())
                .then();
    }

    /** How many states the near cache holds now (0 when it is off or disarmed). */
    public long nearCacheSize() {
        return nearCache == null || !nearCache.armed() ? 0 : nearCache.size();
    }

    private void stalled() {
        if (tracking != null) {
            tracking.stalled();
        }
    }

    /**
     * Writes the states unconditionally, pipelined (the sink applies states in log order, so the
     * last one written is the newest). Blocking; call from the sink thread.
     *
     * @throws io.lettuce.core.RedisException when Redis is unreachable or a command fails; the
     *                                        cache is then emptied before the next write succeeds
     */
    public synchronized void putAll(List<MaterializedState> states) {
        if (states.isEmpty()) {
            return;
        }
        boolean written = false;
        try {
            StatefulRedisConnection<byte[], byte[]> connection = sinkConnection.getBlocking();
            emptyIfStale(connection);
            pipelineSets(connection, states);
            written = true;
            if (nearCache != null && nearCache.armed()) {
                // Redis tells every reader, this process's too, but only once its push arrives.
                nearCache.invalidate(states.stream()
                        .map(state -> cacheKey(state.tenant(), state.key()))
                        .toList());
            }
        } finally {
            // Whatever failed (connecting, flushing, a command), PostgreSQL moved on without us.
            stale = !written;
        }
    }

    /** Treats every entry as possibly stale: the next {@link #repairIfStale()} or write empties the cache. */
    public void markStale() {
        stale = true;
    }

    /**
     * Empties the cache if it may hold stale entries and Redis answers. Blocking.
     *
     * @return false while the cache may still be stale (Redis unreachable)
     */
    public synchronized boolean repairIfStale() {
        if (!stale) {
            return true;
        }
        try {
            emptyIfStale(sinkConnection.getBlocking());
            return true;
        } catch (RuntimeException e) {
            log.debug("region {}: cache still possibly stale, Redis unreachable: {}", region, e.toString());
            return false;
        }
    }

    private void emptyIfStale(StatefulRedisConnection<byte[], byte[]> connection) {
        if (stale) {
            empty(connection);
            stale = false;
            log.info("region {}: emptied the cache, which may have been stale", region);
        }
    }

    private void pipelineSets(StatefulRedisConnection<byte[], byte[]> connection, List<MaterializedState> states) {
        RedisAsyncCommands<byte[], byte[]> async = connection.async();
        List<RedisFuture<String>> futures = new ArrayList<>(states.size());
        connection.setAutoFlushCommands(false);
        try {
            for (MaterializedState s : states) {
                futures.add(
                        async.set(keyBytes(s.tenant(), s.key()), KeyStateCodec.encode(s.state()), expiry(s.state())));
            }
            connection.flushCommands();
        } finally {
            connection.setAutoFlushCommands(true);
        }
        // One timeout for the whole pipeline, growing with its size.
        long timeoutMs = COMMAND_TIMEOUT.toMillis() + states.size() / 10;
        if (!LettuceFutures.awaitAll(timeoutMs, TimeUnit.MILLISECONDS, futures.toArray(new RedisFuture[0]))) {
            throw new RedisCommandTimeoutException(
                    "region " + region + ": caching " + states.size() + " states timed out");
        }
    }

    /**
     * The entry's expiry: the region's TTL, or the state's next value expiry when it comes first
     * (what the key shows changes then). Expiries already past change nothing any more.
     */
    private SetArgs expiry(KeyState state) {
        long now = System.currentTimeMillis();
        long untilNextExpiry = state.nextExpiryAfter(now) - now;
        return SetArgs.Builder.px(Math.min(ttl.toMillis(), untilNextExpiry));
    }

    /** Empties the region's logical database (a region rebuild starts from nothing). Blocking. */
    public synchronized void flush() {
        empty(sinkConnection.getBlocking());
        stale = false;
    }

    /**
     * FLUSHDB ASYNC: the entries present when it runs are gone when Redis answers (entries written
     * after it stay), and Redis frees their memory in a background thread. A synchronous FLUSHDB of
     * a few hundred thousand entries held Redis, every region's reads and the replication waiting on
     * it, for seconds (measured after a restart of replication-streams, which empties every
     * region's cache).
     */
    private void empty(StatefulRedisConnection<byte[], byte[]> connection) {
        connection.sync().flushdb(FlushMode.ASYNC);
        if (nearCache != null) {
            nearCache.invalidateAll();
        }
    }

    @Override
    public void close() {
        readConnection.close();
        sinkConnection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private static byte[] keyBytes(String tenant, String key) {
        return cacheKey(tenant, key).getBytes(StandardCharsets.UTF_8);
    }

    /** With {@code rediss://}: the configured CA certificates, else the JVM's trust store. */
    private static SslOptions sslOptions(RegionProperties.Redis redis) {
        SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
        if (redis.trustedCertificates() != null) {
            ssl.trustManager(new File(redis.trustedCertificates()));
        }
        return ssl.build();
    }
}
