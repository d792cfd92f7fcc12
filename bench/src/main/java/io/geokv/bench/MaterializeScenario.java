package io.geokv.bench;

import io.geokv.position.LogPositions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * N events produced straight to the region topics (unique keys, spread over the regions) while every
 * region's replication is paused, then, from the moment it resumes, the time until every region has
 * applied them, as its {@code applied_offsets} say (no table scan). Before it, rounds of warmup
 * events until replication-streams' JIT has settled. Raw reference {@code kafka_consumer_jdbc}: per
 * region, the best pipeline a user could hand-write on the same topics and events ({@link
 * HandWrittenPipeline}), the three running at once as the regions do, warmed up on the same events,
 * and run right before geokv and right after (its figure is the mean). Second reference: a batched
 * JDBC upsert of N rows of kv_state's shape per region, PostgreSQL alone.
 */
final class MaterializeScenario {

    static final String ID = "materialize";
    private static final int STATE_SIZE = 250;

    private final BenchSettings s;
    private final Duration maxSettle;

    /**
     * @param maxSettle how long the warmup may go on, in rounds of warmup events, while
     *     replication-streams' JIT compilers are still busy ({@link JitCompilation}); zero for one round
     */
    MaterializeScenario(BenchSettings settings, Duration maxSettle) {
        this.s = settings;
        this.maxSettle = maxSettle;
    }

    /**
     * The warmup before the measured events: how many events, how long, the part of the log they
     * fill, and how many milliseconds per second replication-streams' JIT compiled in its last round.
     */
    record Warmup(int events, double seconds, double compilationMsPerSecond, LogPositions from, LogPositions to) {}

    ScenarioResult run() throws Exception {
        long started = System.nanoTime();
        int n = s.materializeRecords();
        String run = Long.toString(System.currentTimeMillis(), 36);

        try (EventPipeline pipeline = new EventPipeline(s)) {
            Warmup warmup = warmUp(pipeline, run);
            LogPositions from = pipeline.ends();
            long produceNanos;
            LogPositions to;
            long handWrittenBefore;
            pipeline.pause(s.regions());
            try {
                long p0 = System.nanoTime();
                pipeline.produce("m-" + run, n);
                produceNanos = System.nanoTime() - p0;
                to = pipeline.ends();
                // The reference runs right before geokv (replication paused, so it has the machine to
                // itself as geokv has) and right after, and its figure is the mean of both: the speed
                // of this machine drifts by up to a third within minutes (other tenants of its host,
                // PostgreSQL checkpoints), and one run of each side would measure that drift as often
                // as the pipelines.
                handWrittenBefore = handWritten(warmup, from, to);
            } finally {
                pipeline.resume(s.regions());
            }
            long t0 = System.nanoTime();
            Map<String, Long> doneNanos = pipeline.awaitApplied(s.regions(), to, t0, s.materializeTimeout());
            long handWrittenAfter = handWritten(warmup, from, to);

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

            figures.put("warmup_s", Figures.round(warmup.seconds(), 1));
            figures.put("jit_compilation_ms_per_s_before_measuring", Figures.round(warmup.compilationMsPerSecond(), 1));

            Map<String, Object> handWritten = new LinkedHashMap<>();
            double rawRate = Figures.perSecond(n, (handWrittenBefore + handWrittenAfter) / 2);
            handWritten.put("records_per_s_per_region", Figures.round(rawRate, 1));
            handWritten.put(
                    "records_per_s_per_region_before_and_after_geokv",
                    List.of(
                            Figures.round(Figures.perSecond(n, handWrittenBefore), 1),
                            Figures.round(Figures.perSecond(n, handWrittenAfter), 1)));
            handWritten.put("pipelines", s.regions().size());
            handWritten.put("warmup_events", warmup.events());
            Map<String, Object> upsert = rawUpsert(n);
            figures.put(
                    "ratio_to_batched_upsert",
                    Figures.ratio(geokvRate, ((Number) upsert.get("rows_per_s_per_region")).doubleValue()));

            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("events", n);
            counts.put("warmup_events", warmup.events());
            counts.put("regions", s.regions().size());
            counts.put("raw_rows_per_region", n);
            return new ScenarioResult(
                    ID,
                    n + " events of " + s.valueSize() + " bytes produced to the region topics while replication"
                            + " was paused (after " + warmup.events()
                            + " warmup events); time from the resume until every"
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

    /**
     * Rounds of warmup events, produced while replication runs and applied by every region, until
     * replication-streams' JIT compilers have settled or {@code maxSettle} has passed, as the HTTP
     * loads do ({@link WrkLoad}): measured right after a fixed warmup, replication-streams' compilers
     * took up to a core all through the measured run (and the first 30,000 events left them busy).
     */
    private Warmup warmUp(EventPipeline pipeline, String run) throws Exception {
        JitCompilation jit = JitCompilation.of(s.streamsUrl());
        LogPositions start = pipeline.ends();
        long started = System.nanoTime();
        int events = 0;
        double compilationMsPerSecond;
        int round = 0;
        do {
            long compiledBefore = jit.millis();
            long roundStarted = System.nanoTime();
            pipeline.produce("m-" + run + "w" + round, s.materializeWarmupRecords());
            Map<String, Long> warmed =
                    pipeline.awaitApplied(s.regions(), pipeline.ends(), System.nanoTime(), s.materializeTimeout());
            if (warmed.containsValue(0L)) {
                throw new IllegalStateException(
                        "the warmup events of round " + round + " were not applied in every region in time");
            }
            events += s.materializeWarmupRecords();
            compilationMsPerSecond = jit.ratePerSecond(compiledBefore, System.nanoTime() - roundStarted);
            round++;
        } while (JitCompilation.busy(compilationMsPerSecond)
                && Duration.ofNanos(System.nanoTime() - started).compareTo(maxSettle) < 0);
        return new Warmup(events, (System.nanoTime() - started) / 1e9, compilationMsPerSecond, start, pipeline.ends());
    }

    /**
     * The hand-written pipeline of every region at once over {@code [from, to)}, after an untimed
     * pass of each over the same warmup events geokv had, into the same fresh tables (its JIT is as
     * warm, its table as large); the regions wait for each other's warmup so that their timed runs
     * start together, as geokv's do. Returns the slowest region's nanos.
     */
    private long handWritten(Warmup warmup, LogPositions from, LogPositions to) throws Exception {
        CyclicBarrier warmed = new CyclicBarrier(s.regions().size());
        return everyRegionAtOnce(region -> {
            HandWrittenPipeline pipeline = new HandWrittenPipeline(s, region);
            pipeline.apply(warmup.from(), warmup.to(), s.materializeTimeout());
            warmed.await(s.materializeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return pipeline.apply(from, to, s.materializeTimeout());
        });
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
