package io.geokv.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
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
 * Replication lag as a user sees it: a steady rate of {@code PUT /kv} spread over the regions, and
 * per write the time from its acknowledgement to its row being in every other region's PostgreSQL.
 * The visibility instant is the row's {@code updated_at}, stamped by the sink's transaction on the
 * same clock as the bench (one machine), so no polling error is added. Raw reference: Kafka's own
 * produce-to-consume latency at the same rate on the same broker (send to receipt, like Kafka's
 * EndToEndLatency tool). Latencies go into HdrHistograms.
 */
final class LagScenario {

    static final String ID = "lag";
    private static final String RAW_TOPIC = "bench-raw-e2e";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final long HISTOGRAM_MAX_MICROS = TimeUnit.MINUTES.toMicros(10);
    private static final double GOAL_P99_MS = 250;

    private final BenchSettings s;

    LagScenario(BenchSettings settings) {
        this.s = settings;
    }

    ScenarioResult run() throws Exception {
        long started = System.nanoTime();
        String run = Long.toString(System.currentTimeMillis(), 36);
        String prefix = "bench-l-" + run + "-";
        int rate = s.lagRate();
        int n = (int) (rate * s.lagDuration().toSeconds());

        Writes writes = write(prefix, n, rate);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("offered_writes_per_s", rate);
        figures.put("achieved_writes_per_s", Figures.round(writes.achievedRate(), 1));
        Visibility visibility = awaitVisible(prefix, writes);
        if (visibility.missing() > 0) {
            throw new IllegalStateException(
                    visibility.missing() + " acknowledged writes never became visible in another region within "
                            + s.materializeTimeout().toSeconds() + " s");
        }
        figures.putAll(latencies(visibility.lag()));
        figures.put("visible_before_ack", visibility.beforeAck());
        figures.put("missing_region_rows", visibility.missing());
        figures.put("measured_s", Figures.round(writes.nanos() / 1e9, 3));

        // The same rate geokv actually carried, so both sides see the same load.
        int rawRate = (int) Math.max(1, Math.round(writes.achievedRate()));
        Map<String, Object> kafka = kafkaEndToEnd(
                rawRate, (int) Math.min((long) rawRate * s.lagDuration().toSeconds(), n));
        double kafkaP99 = ((Number) kafka.get("p99_ms")).doubleValue();

        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("writes_offered", n);
        counts.put("writes_acknowledged", writes.acknowledged());
        counts.put("write_errors", writes.errors());
        counts.put("region_rows_measured", visibility.lag().getTotalCount());
        counts.put("kafka_records", kafka.get("records"));
        return new ScenarioResult(
                ID,
                "steady " + rate + " PUT /kv per s offered for "
                        + s.lagDuration().toSeconds()
                        + " s over the regions; per write, acknowledgement to visible in every other region's PostgreSQL",
                figures,
                new ScenarioResult.RawReference("kafka_produce_to_consume", kafka),
                List.of(),
                Figures.ratio(((Number) figures.get("p99_ms")).doubleValue(), kafkaP99),
                "p99_ms / raw p99_ms",
                ScenarioResult.Goal.figureBelow("p99_ms", GOAL_P99_MS),
                s.valueSize(),
                counts,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** What the write phase left: per write its acknowledgement instant (epoch micros; 0 = not acknowledged). */
    private record Writes(AtomicLongArray ackMicros, long acknowledged, long errors, long nanos) {
        double achievedRate() {
            return Figures.perSecond(acknowledged, nanos);
        }
    }

    /**
     * Paces n PUTs at {@code rate} per second; at most {@code connections} in flight, so when geokv
     * cannot keep up the achieved rate drops below the offered one instead of queueing without bound.
     * Sending stops when the scenario's duration is over, whether or not all n were sent.
     */
    private Writes write(String prefix, int n, int rate) throws InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        byte[] value = WriteScenario.body(s.valueSize()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        AtomicLongArray ackMicros = new AtomicLongArray(n);
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Semaphore inFlight = new Semaphore(s.connections());
        long t0 = System.nanoTime();
        long end = t0 + s.lagDuration().toNanos();
        for (int i = 0; i < n && System.nanoTime() < end; i++) {
            long due = t0 + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            inFlight.acquire();
            int index = i;
            HttpRequest put = HttpRequest.newBuilder(URI.create(s.gatewayUrl() + "/kv/" + prefix + i))
                    .timeout(REQUEST_TIMEOUT)
                    .header("X-Region", region(i))
                    .header("X-Tenant", BenchSettings.TENANT)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(value))
                    .build();
            client.sendAsync(put, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                if (failure == null && response.statusCode() == 200) {
                    ackMicros.set(index, epochMicros(Instant.now()));
                    acknowledged.incrementAndGet();
                } else {
                    errors.incrementAndGet();
                }
                inFlight.release();
            });
        }
        if (!inFlight.tryAcquire(s.connections(), REQUEST_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the lag writes did not finish in time");
        }
        return new Writes(ackMicros, acknowledged.get(), errors.get(), System.nanoTime() - t0);
    }

    private String region(int i) {
        return s.regions().get(i % s.regions().size());
    }

    private record Visibility(Histogram lag, long beforeAck, long missing) {}

    /**
     * Waits (bounded) until every other region holds every acknowledged write, then reads each
     * row's updated_at and records acknowledgement-to-visible per (write, other region).
     */
    private Visibility awaitVisible(String prefix, Writes writes) throws Exception {
        Histogram lag = new Histogram(HISTOGRAM_MAX_MICROS, 3);
        long beforeAck = 0;
        long missing = 0;
        long deadline = System.nanoTime() + s.materializeTimeout().toNanos();
        for (String region : s.regions()) {
            try (Connection c = s.connect(region)) {
                Map<Integer, Long> visible = visibleMicros(c, prefix);
                while (!holdsAll(visible, writes, region) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    visible = visibleMicros(c, prefix);
                }
                for (int i = 0; i < writes.ackMicros().length(); i++) {
                    long acked = writes.ackMicros().get(i);
                    if (acked == 0 || region(i).equals(region)) {
                        continue;
                    }
                    Long at = visible.get(i);
                    if (at == null) {
                        missing++;
                    } else if (at < acked) {
                        // The row was committed before the HTTP answer reached the client.
                        beforeAck++;
                        lag.recordValue(0);
                    } else {
                        lag.recordValue(Math.min(at - acked, HISTOGRAM_MAX_MICROS));
                    }
                }
            }
        }
        return new Visibility(lag, beforeAck, missing);
    }

    private boolean holdsAll(Map<Integer, Long> visible, Writes writes, String region) {
        for (int i = 0; i < writes.ackMicros().length(); i++) {
            if (writes.ackMicros().get(i) != 0 && !region(i).equals(region) && !visible.containsKey(i)) {
                return false;
            }
        }
        return true;
    }

    /** Write index to the instant its row was stamped in this region (epoch micros). */
    private static Map<Integer, Long> visibleMicros(Connection c, String prefix) throws SQLException {
        Map<Integer, Long> visible = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT key, (extract(epoch FROM updated_at) * 1000000)::int8 "
                + "FROM kv_state WHERE tenant = ? AND key LIKE ?")) {
            ps.setString(1, BenchSettings.TENANT);
            ps.setString(2, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    visible.put(Integer.parseInt(rs.getString(1).substring(prefix.length())), rs.getLong(2));
                }
            }
        }
        return visible;
    }

    /**
     * Kafka alone: a producer (acks=all) paced at {@code rate} and a consumer on the same broker;
     * per record the time from send() to the consumer receiving it.
     */
    private Map<String, Object> kafkaEndToEnd(int rate, int n) throws Exception {
        Properties common = new Properties();
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
        try (Admin admin = Admin.create(common)) {
            RawTopics.recreate(admin, RAW_TOPIC);
        }
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
            consumer.seekToBeginning(partitions);
            consumer.poll(Duration.ZERO);
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
            long deadline = System.nanoTime() + s.lagDuration().toNanos() + TimeUnit.SECONDS.toNanos(60);
            while (received < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long sentNanos = java.nio.ByteBuffer.wrap(record.value()).getLong();
                    latency.recordValue(Math.min((System.nanoTime() - sentNanos) / 1000, HISTOGRAM_MAX_MICROS));
                    received++;
                }
            }
            sender.join(TimeUnit.SECONDS.toMillis(60));
            elapsed = System.nanoTime() - t0;
        } finally {
            try (Admin admin = Admin.create(common)) {
                RawTopics.delete(admin, RAW_TOPIC);
            }
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

    private static long epochMicros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }
}
