package io.geokv.bench;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.Connection;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code GET /kv} of K hot keys from PostgreSQL (session level without a token: the routed region's
 * PostgreSQL, never the cache), with C connections. Raw reference {@code r2dbc_select}: the same rows
 * read with R2DBC by a plain client, C reads in flight, over pools as large as the gateway's (8 per
 * region).
 */
final class ReadUncachedScenario {

    static final String ID = "read_uncached";
    private static final int POOL_PER_REGION = 8;

    private final BenchSettings s;
    private final WrkLoad load;

    ReadUncachedScenario(BenchSettings settings, WrkLoad load) {
        this.s = settings;
        this.load = load;
    }

    ScenarioResult run() throws Exception {
        long started = System.nanoTime();
        int k = s.hotKeys();
        HotKeys hot = HotKeys.written(s, "u", 13);
        try (EventPipeline pipeline = new EventPipeline(s)) {
            // The raw reference reads each key from its routed region's PostgreSQL: every region must
            // hold them all, not only the one that answered a write's first read (a region still
            // catching up with an earlier scenario's load would not be read by the gateway either).
            pipeline.awaitApplied(s.regions(), pipeline.ends(), System.nanoTime(), s.materializeTimeout());
        }
        hot.warm();

        WrkLoad.Result geokv = load.run(
                ID,
                "local regions = {"
                        + String.join(
                                ", ", s.regions().stream().map(WrkLoad::lua).toList()) + "}\n"
                        + "local prefix = " + WrkLoad.lua("/kv/" + hot.prefix()) + "\n"
                        + "local hot = " + k + "\n"
                        + "local tenant = " + WrkLoad.lua(BenchSettings.TENANT) + "\n"
                        + """
                request = function()
                  local key = math.random(0, hot - 1)
                  return wrk.format("GET", prefix .. key,
                    {["X-Region"] = regions[(key % #regions) + 1], ["X-Tenant"] = tenant, ["X-Consistency"] = "session"})
                end
                """);
        Map<String, Object> raw = r2dbcSelect(hot, k);

        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("hot_keys", k);
        counts.put("requests_ok", geokv.ok());
        counts.put("errors", geokv.errors());
        counts.put("connections", s.connections());
        counts.put("raw_reads", raw.get("reads"));
        return new ScenarioResult(
                ID,
                "GET /kv with X-Consistency: session (read from the routed region's PostgreSQL) of " + k + " hot keys, "
                        + s.connections() + " connections, " + s.valueSize() + "-byte values",
                geokv.figures(),
                new ScenarioResult.RawReference("r2dbc_select", raw),
                List.of(),
                Figures.ratio(geokv.throughput(), ((Number) raw.get("throughput_rps")).doubleValue()),
                "throughput_rps / r2dbc_select throughput_rps",
                ScenarioResult.Goal.ratioAtLeast(0.7),
                s.valueSize(),
                counts,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** The same rows read by key with R2DBC, {@code connections} reads in flight, warmup then measure. */
    private Map<String, Object> r2dbcSelect(HotKeys hot, int k) {
        List<ConnectionPool> pools = new ArrayList<>();
        for (String region : s.regions()) {
            PostgresqlConnectionFactory factory =
                    new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                            .host(s.postgresHost())
                            .port(s.postgresPort())
                            .database(s.database(region))
                            .username(s.postgresUser())
                            .password(s.postgresPassword().isEmpty() ? null : s.postgresPassword())
                            .build());
            pools.add(new ConnectionPool(ConnectionPoolConfiguration.builder(factory)
                    .initialSize(POOL_PER_REGION)
                    .maxSize(POOL_PER_REGION)
                    .build()));
        }
        try {
            readFor(pools, hot, k, s.warmup(), new Recorder(3));
            Recorder latencies = new Recorder(3);
            long t0 = System.nanoTime();
            long reads = readFor(pools, hot, k, s.measure(), latencies);
            long elapsed = System.nanoTime() - t0;
            var histogram = latencies.getIntervalHistogram();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("throughput_rps", Figures.round(Figures.perSecond(reads, elapsed), 1));
            m.put("p50_ms", Figures.round(Figures.percentileMillis(histogram, 50), 3));
            m.put("p99_ms", Figures.round(Figures.percentileMillis(histogram, 99), 3));
            m.put("reads", reads);
            m.put("in_flight", s.connections());
            m.put("pool_per_region", POOL_PER_REGION);
            return m;
        } finally {
            pools.forEach(pool -> pool.dispose());
        }
    }

    /** Reads random hot keys, {@code connections} at a time, for {@code duration}; returns how many were read. */
    private long readFor(List<ConnectionPool> pools, HotKeys hot, int k, Duration duration, Recorder latencies) {
        long deadline = System.nanoTime() + duration.toNanos();
        AtomicLong reads = new AtomicLong();
        Flux.range(0, s.connections())
                .flatMap(
                        lane -> Flux.generate(sink ->
                                        sink.next(ThreadLocalRandom.current().nextInt(k)))
                                .cast(Integer.class)
                                .takeWhile(key -> System.nanoTime() < deadline)
                                .concatMap(key -> {
                                    long t = System.nanoTime();
                                    return read(pools.get(key % pools.size()), BenchSettings.TENANT, hot.prefix() + key)
                                            .doOnNext(bytes -> {
                                                latencies.recordValue((System.nanoTime() - t) / 1000);
                                                reads.incrementAndGet();
                                            });
                                }),
                        s.connections())
                .blockLast(duration.plusSeconds(60));
        return reads.get();
    }

    private static Mono<Integer> read(ConnectionPool pool, String tenant, String key) {
        return Mono.usingWhen(
                pool.create(),
                (Connection c) -> Mono.from(
                                c.createStatement("SELECT state FROM kv_state WHERE tenant = $1 AND key = $2")
                                        .bind("$1", tenant)
                                        .bind("$2", key)
                                        .execute())
                        .flatMap(result -> Mono.from(result.map((row, meta) -> row.get(0, ByteBuffer.class))))
                        .map(ByteBuffer::remaining)
                        .switchIfEmpty(Mono.error(() -> new IllegalStateException("the raw read found no row " + tenant
                                + "/" + key + ": the hot keys are not where the bench wrote them"))),
                Connection::close);
    }
}
