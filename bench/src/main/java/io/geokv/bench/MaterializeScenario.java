package io.geokv.bench;

import io.geokv.position.LogPositions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * N events produced straight to the region topics (unique keys, spread over the regions) while every
 * region's replication is paused, then, from the moment it resumes, the time until every region has
 * applied them, as its {@code applied_offsets} say (no table scan). Raw reference {@code
 * kafka_consumer_jdbc}: per region, the best pipeline a user could hand-write on the same topics and
 * events ({@link HandWrittenPipeline}), the three running at once as the regions do. Second
 * reference: a batched JDBC upsert of N rows of kv_state's shape per region, PostgreSQL alone.
 */
final class MaterializeScenario {

    static final String ID = "materialize";
    private static final int STATE_SIZE = 250;

    private final BenchSettings s;

    MaterializeScenario(BenchSettings settings) {
        this.s = settings;
    }

    ScenarioResult run() throws Exception {
        long started = System.nanoTime();
        int n = s.materializeRecords();
        String run = Long.toString(System.currentTimeMillis(), 36);

        try (EventPipeline pipeline = new EventPipeline(s)) {
            // Warm the pipeline first (JIT compilation, RocksDB, connection pools), as the HTTP scenarios
            // do: the profile of a cold start shows a third of all CPU in the JIT compilers.
            int warmup = s.materializeWarmupRecords();
            pipeline.produce("m-" + run + "w", warmup);
            Map<String, Long> warmed =
                    pipeline.awaitApplied(s.regions(), pipeline.ends(), System.nanoTime(), s.materializeTimeout());
            if (warmed.containsValue(0L)) {
                throw new IllegalStateException(
                        "the " + warmup + " warmup events were not applied in every region in time");
            }

            LogPositions from = pipeline.ends();
            long produceNanos;
            LogPositions to;
            Map<String, Long> doneNanos;
            pipeline.pause(s.regions());
            try {
                long p0 = System.nanoTime();
                pipeline.produce("m-" + run, n);
                produceNanos = System.nanoTime() - p0;
                to = pipeline.ends();
            } finally {
                pipeline.resume(s.regions());
            }
            long t0 = System.nanoTime();
            doneNanos = pipeline.awaitApplied(s.regions(), to, t0, s.materializeTimeout());

            Map<String, Object> figures = new LinkedHashMap<>();
            long slowest =
                    doneNanos.values().stream().mapToLong(Long::longValue).max().orElse(0);
            boolean complete = doneNanos.values().stream().allMatch(v -> v > 0)
                    && doneNanos.size() == s.regions().size();
            double geokvRate = complete ? Figures.perSecond(n, slowest) : 0;
            figures.put("records_per_s_per_region", Figures.round(geokvRate, 1));
            figures.put("all_regions_s", Figures.round(slowest / 1e9, 3));
            figures.put("produce_s_not_timed", Figures.round(produceNanos / 1e9, 3));
            Map<String, Object> perRegion = new LinkedHashMap<>();
            doneNanos.forEach(
                    (region, nanos) -> perRegion.put(region, nanos > 0 ? Figures.round(nanos / 1e9, 3) : null));
            figures.put("region_done_s", perRegion);
            figures.put("complete", complete);

            Map<String, Object> handWritten = handWritten(from, to, n);
            double rawRate = ((Number) handWritten.get("records_per_s_per_region")).doubleValue();
            Map<String, Object> upsert = rawUpsert(n);
            figures.put(
                    "ratio_to_batched_upsert",
                    Figures.ratio(geokvRate, ((Number) upsert.get("rows_per_s_per_region")).doubleValue()));

            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("events", n);
            counts.put("warmup_events", warmup);
            counts.put("regions", s.regions().size());
            counts.put("raw_rows_per_region", n);
            return new ScenarioResult(
                    ID,
                    n + " events of " + s.valueSize() + " bytes produced to the region topics while replication"
                            + " was paused (after " + warmup + " warmup events); time from the resume until every"
                            + " region's applied offsets cover them",
                    figures,
                    new ScenarioResult.RawReference("kafka_consumer_jdbc", handWritten),
                    List.of(new ScenarioResult.RawReference("jdbc_batched_upsert", upsert)),
                    Figures.ratio(geokvRate, rawRate),
                    "records_per_s_per_region / kafka_consumer_jdbc records_per_s_per_region",
                    ScenarioResult.Goal.ratioAtLeast(0.8),
                    s.valueSize(),
                    counts,
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** The hand-written pipeline of every region at once over {@code [from, to)}. */
    private Map<String, Object> handWritten(LogPositions from, LogPositions to, int n) throws Exception {
        long slowest =
                everyRegionAtOnce(region -> new HandWrittenPipeline(s, region).apply(from, to, s.materializeTimeout()));
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("records_per_s_per_region", Figures.round(Figures.perSecond(n, slowest), 1));
        raw.put("all_regions_s", Figures.round(slowest / 1e9, 3));
        raw.put("pipelines", s.regions().size());
        return raw;
    }

    private Map<String, Object> rawUpsert(int n) throws Exception {
        long slowest = everyRegionAtOnce(region -> upsertRows(region, n));
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("rows_per_s_per_region", Figures.round(Figures.perSecond(n, slowest), 1));
        raw.put("all_regions_s", Figures.round(slowest / 1e9, 3));
        raw.put("rows_per_statement", RawRows.ROWS_PER_STATEMENT);
        raw.put("writers", s.regions().size());
        return raw;
    }

    /** A raw reference's work in one region; returns the nanos it took. */
    @FunctionalInterface
    private interface RegionWork {
        long run(String region) throws Exception;
    }

    /**
     * Runs {@code work} in every region at once, each on fresh raw tables (dropped afterwards);
     * returns the slowest region's nanos.
     */
    private long everyRegionAtOnce(RegionWork work) throws Exception {
        for (String region : s.regions()) {
            try (Connection c = s.connect(region)) {
                RawRows.recreateTables(c);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(s.regions().size());
        try {
            List<Future<Long>> running = new ArrayList<>();
            for (String region : s.regions()) {
                running.add(pool.submit(() -> work.run(region)));
            }
            long slowest = 0;
            for (Future<Long> each : running) {
                slowest = Math.max(slowest, each.get(s.materializeTimeout().toMillis(), TimeUnit.MILLISECONDS));
            }
            return slowest;
        } finally {
            pool.shutdownNow();
            for (String region : s.regions()) {
                try (Connection c = s.connect(region)) {
                    RawRows.dropTables(c);
                }
            }
        }
    }

    /** Upserts n rows into the region's bench_raw_kv; returns the nanos it took. */
    private long upsertRows(String region, int n) throws SQLException {
        Random random = new Random(region.hashCode());
        byte[] state = new byte[STATE_SIZE];
        byte[] digest = new byte[32];
        byte[] value = new byte[s.valueSize()];
        random.nextBytes(state);
        random.nextBytes(digest);
        random.nextBytes(value);
        long t0 = System.nanoTime();
        try (Connection c = s.connect(region)) {
            RawRows rows = new RawRows(c);
            for (int done = 0; done < n; done += RawRows.ROWS_PER_STATEMENT) {
                List<RawRows.Row> batch = new ArrayList<>(RawRows.ROWS_PER_STATEMENT);
                for (int i = done; i < Math.min(n, done + RawRows.ROWS_PER_STATEMENT); i++) {
                    batch.add(new RawRows.Row(
                            BenchSettings.TENANT,
                            "raw-" + i,
                            i + 1L,
                            state,
                            digest,
                            value,
                            "application/octet-stream",
                            false,
                            1));
                }
                rows.upsert(batch);
            }
        }
        return System.nanoTime() - t0;
    }
}
