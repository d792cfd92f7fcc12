package io.geokv.store.cache;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * A Redis connection made on first use. Once made, Lettuce reconnects it by itself. While Redis
 * cannot be reached, a failed attempt is reused for a short back-off so that every request
 * fails at once instead of each paying a connect timeout.
 */
final class LazyConnection {

    static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);

    private final String region;
    private final RedisClient client;
    private final RedisURI uri;
    /** Called once with each connection made, before anyone else uses it. */
    private final Consumer<StatefulRedisConnection<byte[], byte[]>> onConnected;

    // Guarded by this.
    private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> current;
    private long attemptStartedNanos;
    private boolean closed;

    LazyConnection(String region, RedisClient client, RedisURI uri) {
        this(region, client, uri, connection -> {});
    }

    LazyConnection(
            String region,
            RedisClient client,
            RedisURI uri,
            Consumer<StatefulRedisConnection<byte[], byte[]>> onConnected) {
        this.region = region;
        this.client = client;
        this.uri = uri;
        this.onConnected = onConnected;
    }

    /** The connection, made on subscription if needed; a cancelled caller does not abort it for others. */
    Mono<StatefulRedisConnection<byte[], byte[]>> get() {
        return Mono.defer(() -> Mono.fromFuture(connection(), true));
    }

    /** The connection for blocking callers, waiting at most the connect timeout. */
    StatefulRedisConnection<byte[], byte[]> getBlocking() {
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> future = connection();
        try {
            return future.get(StateCache.CONNECT_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException re ? re : new RedisConnectionException(message(), cause);
        } catch (TimeoutException e) {
            throw new RedisConnectionException(message() + ": connect timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisConnectionException(message() + ": interrupted", e);
        }
    }

    synchronized void close() {
        closed = true;
        if (current != null) {
            current.thenAccept(StatefulRedisConnection::close);
            current = null;
        }
    }

    private synchronized CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connection() {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("region " + region + ": cache is closed"));
        }
        if (current != null) {
            boolean failed = current.isCompletedExceptionally();
            if (!failed || System.nanoTime() - attemptStartedNanos < RETRY_BACKOFF.toNanos()) {
                return current;
            }
        }
        attemptStartedNanos = System.nanoTime();
        current = client.connectAsync(ByteArrayCodec.INSTANCE, uri)
                .toCompletableFuture()
                .thenApply(connection -> {
                    onConnected.accept(connection);
                    return connection;
                });
        return current;
    }

    private String message() {
        return "region " + region + ": cannot connect to Redis at " + uri.getHost() + ":" + uri.getPort();
    }
}
