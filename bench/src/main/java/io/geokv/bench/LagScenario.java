package io.geokv.bench;

import io.geokv.event.KvEventCodec;
import io.geokv.event.avro.KvEvent;
import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Replication lag as a user sees it, open loop: {@code PUT /kv} sent at a constant offered rate
 * spread over the regions, each at its intended time whatever the answers before it (no coordinated
 * omission), and per write the time from its event's Kafka record timestamp (stamped by the
 * gateway's producer) to its row's commit in every other region's PostgreSQL ({@code updated_at},
 * the replication commit statement's clock, on the bench's machine and clock). The write latency a client sees is
 * measured from each request's intended send time. Raw reference: Kafka's own produce-to-consume
 * latency on the same broker, at the same rate, at the same time. The measured run follows a warmup
 * that ramps up to the rate and goes on until the JIT compilers have settled; its figures are
 * reported apart. Then the highest rate whose p99 stays under
 * {@value #SEARCH_P99_MS} ms, in steps. Latencies go into HdrHistograms.
 *
 * <p>Against the multi topology ({@link #MULTI_ID}: a Kafka cluster per region, MirrorMaker 2 between
 * them) the same measurement, at {@value #MULTI_RATE} writes/s offered, crosses the mirror: each
 * event's record timestamp is read in its origin cluster, and its row in the other regions is
 * applied from their copies. Its goal is a p99 under {@value #SEARCH_P99_MS} ms; it has no rate
 * search. Its raw reference is the same Kafka produce-to-consume, on one region's cluster: no
 * hand-written pipeline crosses MirrorMaker 2 in it, so the ratio also counts the mirror's hop.
 */
final class LagScenario {

    static final String ID = "lag";
    static final String MULTI_ID = "lag_multi";
    private static final int MULTI_RATE = 1_000;
    private static final String RAW_TOPIC = "bench-raw-e2e";
    private static final long HISTOGRAM_MAX_MICROS = TimeUnit.MINUTES.toMicros(10);
    private static final double GOAL_P99_MS = 100;
    /** The offered rate must be carried: at least this share of it. */
    private static final double GOAL_ACHIEVED_SHARE = 0.975;

    private static final double SEARCH_P99_MS = 250;

    /** The warmup's first rounds offer these shares of the rate: a cold deployment cannot carry all of it. */
    private static final List<Double> WARMUP_RAMP = List.of(0.25, 0.5, 1.0);

    private final BenchSettings s;
    private final OpenLoopWrites writer;
    private final Duration maxSettle;

    /**
     * @param maxSettle how long the warmup may go on at the full rate, in further rounds, while the
     *                  gateway's or replication-streams' JIT still compiles more than {@link
     *                  JitCompilation#SETTLED_MS_PER_S}
     */
    LagScenario(BenchSettings settings, Duration maxSettle) {
        this.s = settings;
        this.writer = new OpenLoopWrites(settings);
        this.maxSettle = maxSettle;
    }

    ScenarioResult run() throws Exception {
        long started = System.nanoTime();
        String run = Long.toString(System.currentTimeMillis(), 36);
        int rate = s.multi() ? (s.quick() ? s.lagRate() : MULTI_RATE) : s.lagRate();
        // The raw reference's cluster: the one cluster, or the first region's.
        String referenceCluster = s.bootstrapOf(s.regions().get(0));
        Map<String, Object> warmup;
        WithReference measured;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, referenceCluster))) {
            // One topic for every run of the reference: created while the measured run went on, it
            // stalled both (visibility p50 of 130 to 180 ms for 5 s, against 20 ms before and after).
            RawTopics.recreate(admin, RAW_TOPIC);
            try {
                // Discarded, like the other scenarios' warmups: measured cold, the first seconds at
                // the rate measured the load generator's and the gateway's JIT (write latency p99 of
                // 1.8 to 3 s in the 60 s window, every run), not replication. Its figures stay in the report.
                warmup = warmUp(run, rate, referenceCluster);
                measured = withReference(referenceCluster, "bench-l-" + run + "-", rate, s.lagDuration());
            } finally {
                RawTopics.delete(admin, RAW_TOPIC);
            }
        }
        Step main = measured.step();
        Map<String, Object> raw = measured.raw();

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("offered_writes_per_s", rate);
        figures.put("achieved_writes_per_s", Figures.round(main.achievedRate(), 1));
        figures.putAll(latencies(main.visibility()));
        figures.put("measured_from", "record_timestamp");
        figures.put("measured_to", "row committed in every other region's PostgreSQL (updated_at)");
        figures.put("write_latency_from_intended_send", latencies(main.writeLatency()));
        figures.put("measured_s", Figures.round(main.nanos() / 1e9, 3));
        figures.put("warmup_not_measured", warmup);

        List<Map<String, Object>> steps = new ArrayList<>();
        int highest = 0;
        for (int stepRate : s.multi() ? List.<Integer>of() : searchRates()) {
            Step step = step("bench-ls-" + run + "-" + stepRate + "-", stepRate, searchDuration());
            double p99 = Figures.percentileMillis(step.visibility(), 99);
            boolean carried = step.achievedRate() >= GOAL_ACHIEVED_SHARE * stepRate;
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("offered_writes_per_s", stepRate);
            summary.put("achieved_writes_per_s", Figures.round(step.achievedRate(), 1));
            summary.put("p99_ms", Figures.round(p99, 3));
            steps.add(summary);
            if (!carried || p99 >= SEARCH_P99_MS) {
                break;
            }
            highest = stepRate;
        }
        if (!s.multi()) {
            figures.put("highest_rate_p99_under_" + (int) SEARCH_P99_MS + "ms", highest);
            figures.put("rate_steps", steps);
        }

        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("writes_offered", main.offered());
        counts.put("writes_acknowledged", main.acknowledged());
        counts.put("write_errors", main.errors());
        counts.put("region_rows_measured", main.visibility().getTotalCount());
        counts.put("kafka_records", raw.get("records"));
        return new ScenarioResult(
                s.multi() ? MULTI_ID : ID,
                rate + " PUT /kv per s offered (open loop) for "
                        + s.lagDuration().toSeconds()
                        + " s over the regions; per write, from its Kafka record timestamp to its row committed in"
                        + " every other region's PostgreSQL"
                        + (s.multi() ? "; a Kafka cluster per region, mirrored by MirrorMaker 2" : ""),
                figures,
                new ScenarioResult.RawReference("kafka_produce_to_consume", raw),
                List.of(),
                Figures.ratio(
                        ((Number) figures.get("p99_ms")).doubleValue(), ((Number) raw.get("p99_ms")).doubleValue()),
                "p99_ms / raw p99_ms",
                ScenarioResult.Goal.figureBelow("p99_ms", s.multi() ? SEARCH_P99_MS : GOAL_P99_MS)
                        .andAtLeast("achieved_writes_per_s", GOAL_ACHIEVED_SHARE * rate),
                s.valueSize(),
                counts,
                (System.nanoTime() - started) / 1_000_000);
    }

    private List<Integer> searchRates() {
        return s.quick() ? List.of(100, 200, 400) : List.of(250, 500, 1000, 1500, 2000, 3000, 4000);
    }

    private Duration warmupRound() {
        return s.quick() ? Duration.ofSeconds(3) : Duration.ofSeconds(15);
    }

    /**
     * Rounds of writes, ramping up to {@code rate} ({@link #WARMUP_RAMP}), then at {@code rate} until
     * the JIT compilers of the gateway and of replication-streams have settled or {@code maxSettle}
     * has passed, as the other scenarios' warmups do ({@link JitCompilation}): a deployment whose
     * JVMs have just started (the multi topology's always have) carried about a quarter of 1,000
     * writes/s offered at once, and its compilers took a large share of the two cores for minutes.
     * The raw reference runs beside every round, as beside the measured run, so that its JIT is
     * warm too and the deployment warms up under the load it is measured under. Returns each
     * round's figures and the warmup's length, for the report.
     */
    private Map<String, Object> warmUp(String run, int rate, String referenceCluster) throws Exception {
        JitCompilation gatewayJit = JitCompilation.of(s.gatewayUrl());
        JitCompilation streamsJit = JitCompilation.of(s.streamsUrl());
        Duration cap = warmupRound().multipliedBy(WARMUP_RAMP.size()).plus(maxSettle);
        long started = System.nanoTime();
        List<Map<String, Object>> rounds = new ArrayList<>();
        boolean settled;
        do {
            int round = rounds.size();
            int roundRate = (int) Math.max(1, rate * WARMUP_RAMP.get(Math.min(round, WARMUP_RAMP.size() - 1)));
            long gatewayBefore = gatewayJit.millis();
            long streamsBefore = streamsJit.millis();
            long roundStarted = System.nanoTime();
            Step step = withReference(referenceCluster, "bench-lw-" + run + "-" + round + "-", roundRate, warmupRound())
                    .step();
            long nanos = System.nanoTime() - roundStarted;
            double gatewayCompiling = gatewayJit.ratePerSecond(gatewayBefore, nanos);
            double streamsCompiling = streamsJit.ratePerSecond(streamsBefore, nanos);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("offered_writes_per_s", roundRate);
            summary.put("achieved_writes_per_s", Figures.round(step.achievedRate(), 1));
            summary.put("p99_ms", Figures.round(Figures.percentileMillis(step.visibility(), 99), 3));
            summary.put("write_latency_p99_ms", Figures.round(Figures.percentileMillis(step.writeLatency(), 99), 3));
            summary.put("gateway_jit_ms_per_s", Figures.round(gatewayCompiling, 1));
            summary.put("streams_jit_ms_per_s", Figures.round(streamsCompiling, 1));
            rounds.add(summary);
            settled = rounds.size() >= WARMUP_RAMP.size()
                    && !JitCompilation.busy(gatewayCompiling)
                    && !JitCompilation.busy(streamsCompiling);
        } while (!settled && Duration.ofNanos(System.nanoTime() - started).compareTo(cap) < 0);
        Map<String, Object> warmup = new LinkedHashMap<>();
        warmup.put("measured_s", Figures.round((System.nanoTime() - started) / 1e9, 3));
        warmup.put("jit_settled", settled);
        warmup.put("rounds", rounds);
        return warmup;
    }

    private Duration searchDuration() {
        return s.quick() ? Duration.ofSeconds(5) : Duration.ofSeconds(15);
    }

    /** One measurement at one offered rate: the writes, then their visibility everywhere else. */
    private record Step(
            long offered, long acknowledged, long errors, long nanos, Histogram writeLatency, Histogram visibility) {
        double achievedRate() {
            return Figures.perSecond(acknowledged, nanos);
        }
    }

    /** A step and the raw reference run beside it, at the same rate for as long. */
    private record WithReference(Step step, Map<String, Object> raw) {}

    private WithReference withReference(String referenceCluster, String prefix, int rate, Duration duration)
            throws Exception {
        CompletableFuture<Map<String, Object>> kafka = CompletableFuture.supplyAsync(() -> {
            try {
                return kafkaEndToEnd(referenceCluster, rate, duration);
            } catch (Exception e) {
                throw new IllegalStateException("the Kafka reference failed", e);
            }
        });
        Step step = step(prefix, rate, duration);
        return new WithReference(step, kafka.get(duration.toSeconds() + 120, TimeUnit.SECONDS));
    }

    private Step step(String prefix, int rate, Duration duration) throws Exception {
        try (EventPipeline pipeline = new EventPipeline(s)) {
            LogPositions from = pipeline.ends();
            OpenLoopWrites.Result writes = writer.run(prefix, rate, duration, () -> false);
            LogPositions to = pipeline.ends();
            Map<Integer, Long> recorded = recordTimestamps(prefix, from, to);
            Map<String, Long> caughtUp =
                    pipeline.awaitApplied(s.regions(), to, System.nanoTime(), s.materializeTimeout());
            if (caughtUp.containsValue(0L)) {
                throw new IllegalStateException("not every region applied the lag writes within "
                        + s.materializeTimeout().toSeconds() + " s: " + caughtUp);
            }
            Histogram visibility = new Histogram(HISTOGRAM_MAX_MICROS, 3);
            long missing = 0;
            for (String region : s.regions()) {
                Map<Integer, Long> committed;
                try (Connection c = s.connect(region)) {
                    committed = committedMicros(c, prefix);
                }
                for (Map.Entry<Integer, Long> write : recorded.entrySet()) {
                    if (writer.region(write.getKey()).equals(region)) {
                        continue;
                    }
                    Long at = committed.get(write.getKey());
                    if (at == null) {
                        missing++;
                    } else {
                        visibility.recordValue(Math.max(0, Math.min(at - write.getValue(), HISTOGRAM_MAX_MICROS)));
                    }
                }
            }
            if (missing > 0 || recorded.size() < writes.acknowledged()) {
                throw new IllegalStateException(missing + " rows of acknowledged writes are missing in other regions"
                        + " and " + (writes.acknowledged() - recorded.size()) + " acknowledged writes have no record"
                        + " in the log, though every region applied the log");
            }
            return new Step(
                    writes.offered(),
                    writes.acknowledged(),
                    writes.errors(),
                    writes.nanos(),
                    writes.latency(),
                    visibility);
        }
    }

    /**
     * Per write index, its event's Kafka record timestamp (epoch micros), read from the log in {@code
     * [from, to)}: each region's topic in the cluster where it is written.
     */
    private Map<Integer, Long> recordTimestamps(String prefix, LogPositions from, LogPositions to) {
        Map<Integer, Long> stamps = new HashMap<>();
        for (String region : s.regions()) {
            String topic = GeokvNames.eventTopic(region);
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapOf(region));
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            KvEventCodec codec = new KvEventCodec();
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = to.asMap().keySet().stream()
                        .filter(ep -> ep.topic().equals(topic))
                        .map(ep -> new TopicPartition(ep.topic(), ep.partition()))
                        .toList();
                consumer.assign(partitions);
                LogPositions goal = LogPositions.empty();
                for (TopicPartition tp : partitions) {
                    EventPartition partition = new EventPartition(tp.topic(), tp.partition());
                    consumer.seek(tp, from.next(partition));
                    goal = goal.with(partition, to.next(partition));
                }
                LogPositions read = from;
                long deadline = System.nanoTime() + s.materializeTimeout().toNanos();
                while (!goal.coveredBy(read) && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        read = read.with(new EventPartition(record.topic(), record.partition()), record.offset() + 1);
                        KvEvent event = codec.decode(record.value());
                        if (BenchSettings.TENANT.equals(event.getTenant())
                                && event.getKey().startsWith(prefix)) {
                            stamps.put(
                                    Integer.parseInt(event.getKey().substring(prefix.length())),
                                    TimeUnit.MILLISECONDS.toMicros(record.timestamp()));
                        }
                    }
                }
            }
        }
        return stamps;
    }

    /** Write index to the instant its row was committed in this region (epoch micros). */
    private static Map<Integer, Long> committedMicros(Connection c, String prefix) throws SQLException {
        Map<Integer, Long> committed = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT key, (extract(epoch FROM updated_at) * 1000000)::int8 "
                + "FROM kv_state WHERE tenant = ? AND key LIKE ?")) {
            ps.setString(1, BenchSettings.TENANT);
            ps.setString(2, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    committed.put(Integer.parseInt(rs.getString(1).substring(prefix.length())), rs.getLong(2));
                }
            }
        }
        return committed;
    }

    /**
     * Kafka alone: a producer (acks=all) paced at {@code rate} for {@code duration} and a consumer
     * on the same broker, on {@link #RAW_TOPIC} (which exists); per record the time from send() to
     * the consumer receiving it.
     */
    private Map<String, Object> kafkaEndToEnd(String bootstrap, int rate, Duration duration) throws Exception {
        int n = (int) (rate * duration.toSeconds());
        Properties common = new Properties();
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        Histogram latency = new Histogram(HISTOGRAM_MAX_MICROS, 3);
        Properties consumerProps = new Properties();
        consumerProps.putAll(common);
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Properties producerProps = new Properties();
        producerProps.putAll(common);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        long received = 0;
        long elapsed;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps);
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < RawTopics.PARTITIONS; p++) {
                partitions.add(new TopicPartition(RAW_TOPIC, p));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            long t0 = System.nanoTime();
            // One thread paces the producer, this one consumes: the record carries its send time.
            Thread sender = new Thread(
                    () -> {
                        for (int i = 0; i < n; i++) {
                            long due = t0 + (long) (i * 1e9 / rate);
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                LockSupport.parkNanos(wait);
                            }
                            byte[] value = new byte[s.valueSize()];
                            java.nio.ByteBuffer.wrap(value).putLong(System.nanoTime());
                            producer.send(new ProducerRecord<>(
                                    RAW_TOPIC, Integer.toString(i).getBytes(), value));
                        }
                        producer.flush();
                    },
                    "bench-lag-raw-producer");
            sender.start();
            long deadline = System.nanoTime() + duration.toNanos() + TimeUnit.SECONDS.toNanos(60);
            while (received < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long sentNanos = java.nio.ByteBuffer.wrap(record.value()).getLong();
                    latency.recordValue(Math.min((System.nanoTime() - sentNanos) / 1000, HISTOGRAM_MAX_MICROS));
                    received++;
                }
            }
            sender.join(TimeUnit.SECONDS.toMillis(60));
            elapsed = System.nanoTime() - t0;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rate_per_s", rate);
        m.putAll(latencies(latency));
        m.put("records", received);
        m.put("records_sent", n);
        m.put("measured_s", Figures.round(elapsed / 1e9, 3));
        m.put("settings", "acks=all producer, plain consumer, otherwise defaults; 3 partitions");
        return m;
    }

    private static Map<String, Object> latencies(Histogram h) {
        return Figures.latencies(
                h.getValueAtPercentile(50),
                h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9),
                h.getMaxValue(),
                h.getMean());
    }
}
