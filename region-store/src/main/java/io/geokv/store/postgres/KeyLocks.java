package io.geokv.store.postgres;

import io.geokv.store.config.RegionProperties;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import java.time.Duration;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Exclusive locks on keys in one region's PostgreSQL, for the conditional writes this region
 * arbitrates: a transaction-scoped advisory lock, released when the work ends or fails, or when its
 * connection drops (a crashed gateway cannot keep a key locked). The locks have a pool of their own:
 * a lock holder reads through the {@link StateReader}'s pool meanwhile, so lock takers waiting here
 * can never starve it of connections.
 */
public final class KeyLocks {

    private final ConnectionPool pool;

    public KeyLocks(RegionProperties region) {
        this.pool = new ConnectionPool(StateReader.poolConfiguration(region, "locks"));
    }

    /**
     * A lock being held. Its holder's work runs on other connections, so it does not notice by itself
     * when the lock's connection dies (and PostgreSQL releases the lock to the next taker).
     */
    public interface HeldLock {

        /**
         * Completes if the lock is still held now; errors if its connection or transaction is gone.
         * Whatever the holder made visible to other takers before a successful check is therefore seen
         * by every later holder.
         */
        Mono<Void> verify();
    }

    /**
     * Runs {@code work} while holding the lock of {@code key} of {@code tenant}.
     *
     * @param wait how long to wait for the lock before failing with PostgreSQL's lock timeout error
     */
    public <T> Mono<T> whileLocked(String tenant, String key, Duration wait, Function<HeldLock, Mono<T>> work) {
        return Mono.usingWhen(
                pool.create(),
                c -> Mono.usingWhen(
                        Mono.from(c.beginTransaction()).thenReturn(c),
                        tx -> execute(tx, "SET LOCAL lock_timeout = '" + Math.max(1, wait.toMillis()) + "ms'")
                                .then(Flux.from(tx.createStatement(
                                                        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                                                .bind(0, tenant + "/" + key)
                                                .execute())
                                        .flatMap(result -> result.map((row, meta) -> 1))
                                        .then())
                                .then(Mono.defer(() -> work.apply(() -> Flux.from(
                                                tx.createStatement("SELECT 1").execute())
                                        .flatMap(result -> result.map((row, meta) -> 1))
                                        .then()
                                        .onErrorMap(e -> new IllegalStateException(
                                                "the lock of " + tenant + "/" + key + " was lost with its connection: "
                                                        + e.getMessage(),
                                                e))))),
                        Connection::commitTransaction,
                        // A rollback on a connection that died is expected: the work's own error matters.
                        (tx, error) -> Mono.from(tx.rollbackTransaction()).onErrorResume(e -> Mono.empty()),
                        tx -> Mono.from(tx.rollbackTransaction()).onErrorResume(e -> Mono.empty())),
                Connection::close);
    }

    public Mono<Void> close() {
        return pool.disposeLater();
    }

    private static Mono<Void> execute(Connection c, String sql) {
        return Flux.from(c.createStatement(sql).execute())
                .flatMap(result -> result.getRowsUpdated())
                .then();
    }
}
