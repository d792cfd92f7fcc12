package io.geokv.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code PUT /kv/bench-w-<i>} (eventual, 200-byte values, X-Region round-robin) with C connections.
 * Raw reference {@code http_kafka_handler}: the same load on {@code PUT /bench/produce/<key>} of the
 * same gateway, which produces the same Avro event with the same producer and answers 200; its
 * events are replicated like the writes' are, so both run under the same replication load. Both
 * warmups run before either measured run, so that neither is measured on a gateway the other's load
 * warmed up more. Further
 * references: the gateway's constant endpoint (HTTP ceiling) and a plain Kafka producer with acks=all
 * and 200-byte records for the same duration.
 */
final class WriteScenario {

    static final String ID = "write";
    private static final String RAW_TOPIC = "bench-raw-producer";

    private final BenchSettings s;
    private final WrkLoad load;
    private final WrkLoad.Result ceiling;

    WriteScenario(BenchSettings settings, WrkLoad load, WrkLoad.Result ceiling) {
        this.s = settings;
        this.load = load;
        this.ceiling = ceiling;
    }

    ScenarioResult run() throws Exception {
        long started = System.nanoTime();
        String body = body(s.valueSize());
        byte[] value = body.getBytes(java.nio.charset.StandardCharsets.US_ASCII); // the same value for the raw producer
        String run = Long.toString(System.currentTimeMillis(), 36);
        // Keys bench-w-<run>-<phase>-<wrk thread>-<counter>: unique across threads, warmup and measured run.
        Map<String, String> scripts = new LinkedHashMap<>();
        scripts.put(ID, putScript(body, "/kv/bench-w-" + run + "-"));
        scripts.put(ID + "-handler", putScript(body, "/bench/produce/bench-h-" + run + "-"));
        List<WrkLoad.Result> both = load.runWarmedTogether(scripts);
        WrkLoad.Result geokv = both.get(0);
        WrkLoad.Result handler = both.get(1);

        Map<String, Object> kafka = rawProducer(value);
        double ratio = Figures.ratio(geokv.throughput(), handler.throughput());

        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("requests_ok", geokv.ok());
        counts.put("errors", geokv.errors());
        counts.put("connections", s.connections());
        counts.put("handler_requests_ok", handler.ok());
        counts.put("handler_errors", handler.errors());
        counts.put("ceiling_requests_ok", ceiling.ok());
        counts.put("kafka_records", kafka.get("records"));
        Map<String, Object> figures = geokv.figures();
        figures.put("ratio_to_http_ceiling", Figures.round(Figures.ratio(geokv.throughput(), ceiling.throughput()), 4));
        figures.put(
                "ratio_to_kafka_producer",
                Figures.round(
                        Figures.ratio(geokv.throughput(), ((Number) kafka.get("records_per_s")).doubleValue()), 4));
        return new ScenarioResult(
                ID,
                "PUT /kv (eventual, acks=all), " + s.connections() + " connections, " + s.valueSize() + "-byte values",
                figures,
                new ScenarioResult.RawReference("http_kafka_handler", handler.figures()),
                List.of(
                        new ScenarioResult.RawReference("http_ceiling_get_bench_ping", ceiling.figures()),
                        new ScenarioResult.RawReference("kafka_producer_acks_all", kafka)),
                ratio,
                "throughput_rps / http_kafka_handler throughput_rps",
                ScenarioResult.Goal.ratioAtLeast(0.7),
                s.valueSize(),
                counts,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** wrk's script: PUTs of {@code body} to {@code <prefix><phase>-<thread>-<n>}, X-Region round-robin. */
    private String putScript(String body, String prefix) {
        return "local body = " + WrkLoad.lua(body) + "\n"
                + "local regions = {"
                + String.join(", ", s.regions().stream().map(WrkLoad::lua).toList()) + "}\n"
                + "local prefix = " + WrkLoad.lua(prefix) + "\n"
                + """
                local n = 0
                request = function()
                  n = n + 1
                  return wrk.format("PUT", prefix .. phase .. "-" .. id .. "-" .. n,
                    {["X-Region"] = regions[(n % #regions) + 1], ["Content-Type"] = "application/octet-stream"}, body)
                end
                """;
    }

    /** An ASCII value of the given size (wrk's request body; no escaping needed in the Lua script). */
    static String body(int size) {
        Random random = new Random(7);
        StringBuilder out = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            out.append((char) ('a' + random.nextInt(26)));
        }
        return out.toString();
    }

    /** A plain producer (acks=all, otherwise defaults) sending 200-byte records for the measured duration. */
    private Map<String, Object> rawProducer(byte[] value) throws Exception {
        Properties common = new Properties();
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
        try (Admin admin = Admin.create(common)) {
            RawTopics.recreate(admin, RAW_TOPIC);
        }
        Properties p = new Properties();
        p.putAll(common);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long elapsed;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            long warmupEnd = System.nanoTime() + s.warmup().toNanos();
            long i = 0;
            while (System.nanoTime() < warmupEnd) {
                producer.send(new ProducerRecord<>(RAW_TOPIC, Long.toString(i++).getBytes(), value));
            }
            producer.flush();
            long t0 = System.nanoTime();
            long deadline = t0 + s.measure().toNanos();
            while (System.nanoTime() < deadline) {
                producer.send(new ProducerRecord<>(RAW_TOPIC, Long.toString(i++).getBytes(), value), (md, e) -> {
                    if (e == null) {
                        acked.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                });
            }
            producer.flush();
            elapsed = System.nanoTime() - t0;
        } finally {
            try (Admin admin = Admin.create(common)) {
                RawTopics.delete(admin, RAW_TOPIC);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("records_per_s", Figures.round(Figures.perSecond(acked.get(), elapsed), 1));
        m.put("records", acked.get());
        m.put("errors", failed.get());
        m.put("measured_s", Figures.round(elapsed / 1e9, 3));
        m.put("settings", "acks=all, otherwise producer defaults");
        return m;
    }
}
