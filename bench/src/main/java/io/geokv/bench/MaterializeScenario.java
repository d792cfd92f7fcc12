package io.geokv.bench;

import io.geokv.conflict.VersionVector;
import io.geokv.event.EventTopics;
import io.geokv.event.KvEventSerializer;
import io.geokv.event.KvEvents;
import io.geokv.event.avro.KvEvent;
import io.geokv.naming.GeokvNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * N events produced straight to the region topics (unique keys, spread over the regions), then the
 * time until every region's PostgreSQL holds every key. Raw reference: a batched JDBC upsert of N
 * rows of kv_state's shape into {@code bench_raw_kv}, one writer per region, on the same PostgreSQL.
 */
final class MaterializeScenario {

    static final String ID = "materialize";
    private static final int ROWS_PER_STATEMENT = 500;
    private static final int STATE_SIZE = 250;

    private final BenchSettings s;

    MaterializeScenario(BenchSettings settings) {
        this.s = settings;
    }

    ScenarioResult run() throws Exception {
        long started = System.nanoTime();
        int n = s.materializeRecords();
        String run = Long.toString(System.currentTimeMillis(), 36);

        // Warm the pipeline first (JIT compilation, RocksDB, connection pools), as the HTTP scenarios
        // do: the profile of a cold start shows a third of all CPU in the JIT compilers.
        int warmup = s.materializeWarmupRecords();
        Map<String, Long> beforeWarmup = baseline();
        long w0 = System.nanoTime();
        produce(run + "w", warmup);
        Map<String, Long> warmed = awaitMaterialized(beforeWarmup, warmup, w0);
        if (warmed.containsValue(0L)) {
            throw new IllegalStateException(
                    "the " + warmup + " warmup events were not materialized in every region in time");
        }

        Map<String, Long> baseline = baseline();
        long t0 = System.nanoTime();
        long produced = produce(run, n);
        long produceNanos = System.nanoTime() - t0;
        Map<String, Long> doneNanos = awaitMaterialized(baseline, n, t0);

        Map<String, Object> figures = new LinkedHashMap<>();
        long slowest =
                doneNanos.values().stream().mapToLong(Long::longValue).max().orElse(0);
        boolean complete = doneNanos.values().stream().allMatch(v -> v > 0)
                && doneNanos.size() == s.regions().size();
        double geokvRate = complete ? Figures.perSecond(n, slowest) : 0;
        figures.put("records_per_s_per_region", Figures.round(geokvRate, 1));
        figures.put("all_regions_s", Figures.round(slowest / 1e9, 3));
        figures.put("produce_s", Figures.round(produceNanos / 1e9, 3));
        Map<String, Object> perRegion = new LinkedHashMap<>();
        doneNanos.forEach((region, nanos) -> perRegion.put(region, nanos > 0 ? Figures.round(nanos / 1e9, 3) : null));
        figures.put("region_done_s", perRegion);
        figures.put("complete", complete);

        Map<String, Object> raw = rawUpsert(n);
        double rawRate = ((Number) raw.get("rows_per_s_per_region")).doubleValue();

        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("events", produced);
        counts.put("warmup_events", warmup);
        counts.put("regions", s.regions().size());
        counts.put("raw_rows_per_region", n);
        return new ScenarioResult(
                ID,
                n + " events of " + s.valueSize() + " bytes produced to the region topics after " + warmup
                        + " warmup events; time until every region's PostgreSQL holds every key",
                figures,
                new ScenarioResult.RawReference("jdbc_batched_upsert", raw),
                List.of(),
                Figures.ratio(geokvRate, rawRate),
                "records_per_s_per_region / raw rows_per_s_per_region",
                ScenarioResult.Goal.ratioAtLeast(0.6),
                s.valueSize(),
                counts,
                (System.nanoTime() - started) / 1_000_000);
    }

    private long produce(String run, int n) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, KvEventSerializer.class.getName());
        AtomicLong failed = new AtomicLong();
        byte[] value = new byte[s.valueSize()];
        new Random(42).nextBytes(value);
        List<String> regions = s.regions();
        try (KafkaProducer<String, KvEvent> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < n; i++) {
                String region = regions.get(i % regions.size());
                String key = "m-" + run + "-" + i;
                KvEvent event = KvEvents.newEvent(
                        UUID.randomUUID().toString(),
                        BenchSettings.TENANT,
                        key,
                        value,
                        "application/octet-stream",
                        region,
                        VersionVector.empty(),
                        System.currentTimeMillis() << 16);
                producer.send(
                        new ProducerRecord<>(
                                GeokvNames.eventTopic(region), EventTopics.recordKey(BenchSettings.TENANT, key), event),
                        (md, e) -> {
                            if (e != null) {
                                failed.incrementAndGet();
                            }
                        });
            }
            producer.flush();
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " of " + n + " events were not acknowledged by Kafka");
        }
        return n;
    }

    /** Per region, nanos from t0 until its kv_state holds baseline + n rows of the bench tenant; 0 if never. */
    private Map<String, Long> awaitMaterialized(Map<String, Long> baseline, int n, long t0) throws Exception {
        Map<String, Long> done = new LinkedHashMap<>();
        long deadline = t0 + s.materializeTimeout().toNanos();
        Map<String, Connection> connections = new LinkedHashMap<>();
        try {
            for (String region : s.regions()) {
                connections.put(region, s.connect(region));
            }
            while (done.size() < s.regions().size() && System.nanoTime() < deadline) {
                for (String region : s.regions()) {
                    if (!done.containsKey(region) && count(connections.get(region)) >= baseline.get(region) + n) {
                        done.put(region, System.nanoTime() - t0);
                    }
                }
                Thread.sleep(200);
            }
        } finally {
            for (Connection c : connections.values()) {
                c.close();
            }
        }
        Map<String, Long> ordered = new LinkedHashMap<>();
        for (String region : s.regions()) {
            ordered.put(region, done.getOrDefault(region, 0L));
        }
        return ordered;
    }

    private Map<String, Object> rawUpsert(int n) throws Exception {
        for (String region : s.regions()) {
            try (Connection c = s.connect(region);
                    Statement st = c.createStatement()) {
                // The same shape as geokv's own table, by construction: the raw writer pays for the same rows and
                // indexes.
                st.execute("CREATE TABLE IF NOT EXISTS bench_raw_kv (LIKE kv_state INCLUDING ALL)");
                st.execute("TRUNCATE bench_raw_kv");
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(s.regions().size());
        try {
            List<Future<Long>> writers = new ArrayList<>();
            for (String region : s.regions()) {
                writers.add(pool.submit(() -> upsertRows(region, n)));
            }
            long slowest = 0;
            for (Future<Long> w : writers) {
                slowest = Math.max(slowest, w.get(s.materializeTimeout().toMillis(), TimeUnit.MILLISECONDS));
            }
            Map<String, Object> raw = new LinkedHashMap<>();
            raw.put("rows_per_s_per_region", Figures.round(Figures.perSecond(n, slowest), 1));
            raw.put("all_regions_s", Figures.round(slowest / 1e9, 3));
            raw.put("rows_per_statement", ROWS_PER_STATEMENT);
            raw.put("writers", s.regions().size());
            return raw;
        } finally {
            pool.shutdownNow();
            for (String region : s.regions()) {
                try (Connection c = s.connect(region);
                        Statement st = c.createStatement()) {
                    st.execute("DROP TABLE IF EXISTS bench_raw_kv");
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
        StringBuilder sql = new StringBuilder("INSERT INTO bench_raw_kv (tenant, key, version, state, state_digest, "
                + "value, content_type, deleted, sibling_count) VALUES ");
        for (int i = 0; i < ROWS_PER_STATEMENT; i++) {
            sql.append(i == 0 ? "" : ",").append("(?,?,?,?,?,?,?,?,?)");
        }
        sql.append(" ON CONFLICT (tenant, key) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state, "
                + "state_digest = EXCLUDED.state_digest, value = EXCLUDED.value, content_type = EXCLUDED.content_type, "
                + "deleted = EXCLUDED.deleted, sibling_count = EXCLUDED.sibling_count, updated_at = now()");
        long t0 = System.nanoTime();
        try (Connection c = s.connect(region);
                PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int done = 0; done < n; ) {
                int rows = Math.min(ROWS_PER_STATEMENT, n - done);
                for (int r = 0; r < ROWS_PER_STATEMENT; r++) {
                    // A short last batch is padded with distinct filler rows (one statement may not upsert a row
                    // twice).
                    int i = done + Math.min(r, rows - 1);
                    String key = r < rows ? "raw-" + i : "raw-pad-" + done + "-" + r;
                    int p = r * 9;
                    ps.setString(p + 1, BenchSettings.TENANT);
                    ps.setString(p + 2, key);
                    ps.setLong(p + 3, i + 1L);
                    ps.setBytes(p + 4, state);
                    ps.setBytes(p + 5, digest);
                    ps.setBytes(p + 6, value);
                    ps.setString(p + 7, "application/octet-stream");
                    ps.setBoolean(p + 8, false);
                    ps.setInt(p + 9, 1);
                }
                ps.executeUpdate();
                done += rows;
            }
        }
        return System.nanoTime() - t0;
    }

    /** Per region, how many rows of the bench tenant it holds now. */
    private Map<String, Long> baseline() throws SQLException {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String region : s.regions()) {
            rows.put(region, countRows(region));
        }
        return rows;
    }

    private long countRows(String region) throws SQLException {
        try (Connection c = s.connect(region)) {
            return count(c);
        }
    }

    private static long count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM kv_state WHERE tenant = ?")) {
            ps.setString(1, BenchSettings.TENANT);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
