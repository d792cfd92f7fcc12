package io.geokv.store.postgres;

import io.geokv.store.config.RegionProperties;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import java.time.Duration;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The conditional writes this region arbitrates that may be on their way into the log ({@code
 * arbitration_intents}). An arbiter records its event id before it publishes and clears it once this
 * region has applied the event; each statement commits on its own, so the record outlives the
 * arbiter's lock and the arbiter itself. Its own pool: it is written while the key's lock holds a
 * connection of {@link KeyLocks}'s pool, which lock takers may have exhausted.
 */
public final class ArbitrationIntents {

    /**
     * An intent some arbiter left, and how long ago it was recorded by the database's clock (no
     * gateway clock is involved, so skew between gateways cannot shorten a fence).
     */
    public record Intent(String eventId, Duration age) {}

    private final ConnectionPool pool;

    public ArbitrationIntents(RegionProperties region) {
        this.pool = new ConnectionPool(StateReader.poolConfiguration(region, "intents"));
    }

    /** The intent recorded for the key, if any. */
    public Mono<Intent> find(String tenant, String key) {
        return withConnection(c -> Flux.from(c.createStatement("SELECT event_id, "
                                        + "(EXTRACT(EPOCH FROM clock_timestamp() - recorded_at) * 1000)::bigint AS age_ms "
                                        + "FROM arbitration_intents WHERE tenant = $1 AND key = $2")
                                .bind(0, tenant)
                                .bind(1, key)
                                .execute())
                        .flatMap(result -> result.map((row, meta) -> new Intent(
                                row.get("event_id", String.class),
                                Duration.ofMillis(Math.max(0, row.get("age_ms", Long.class)))))))
                .next();
    }

    /** Records that the arbiter is about to publish {@code eventId} for the key (replacing any older intent). */
    public Mono<Void> record(String tenant, String key, String eventId) {
        return update(
                "INSERT INTO arbitration_intents (tenant, key, event_id) VALUES ($1, $2, $3) "
                        + "ON CONFLICT (tenant, key) DO UPDATE SET event_id = EXCLUDED.event_id, recorded_at = clock_timestamp()",
                tenant,
                key,
                eventId);
    }

    /** Clears the key's intent if it is still that of {@code eventId}, which this region has applied. */
    public Mono<Void> clear(String tenant, String key, String eventId) {
        return update(
                "DELETE FROM arbitration_intents WHERE tenant = $1 AND key = $2 AND event_id = $3",
                tenant,
                key,
                eventId);
    }

    private Mono<Void> update(String sql, String tenant, String key, String eventId) {
        return withConnection(c -> Flux.from(c.createStatement(sql)
                                .bind(0, tenant)
                                .bind(1, key)
                                .bind(2, eventId)
                                .execute())
                        .flatMap(result -> result.getRowsUpdated()))
                .then();
    }

    public Mono<Void> close() {
        return pool.disposeLater();
    }

    private <T> Flux<T> withConnection(Function<Connection, Flux<T>> work) {
        return Flux.usingWhen(pool.create(), work, Connection::close);
    }
}
