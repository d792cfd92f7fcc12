package io.geokv.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geokv.conflict.HybridLogicalClock;
import io.geokv.naming.GeokvNames;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The change feed's delivery latency: a follower of {@code GET /changes} over Server-Sent Events in one
 * region while open-loop writes land in every region, from each write's timestamp (the gateway's clock
 * when it stamped the event) to the moment the follower receives the change, against a hand-written
 * Kafka consumer of the same event topics in the same run (it delivers each record as soon as it is
 * in the log, without waiting for any region to apply it: what following the topics directly costs).
 * Also counts changes missed or received twice. Reported, without a goal.
 */
final class ChangeFeedScenario {

    static final String ID = "change_feed";
    private static final String REGION = "us-east";
    private static final long HISTOGRAM_MAX_MICROS = TimeUnit.MINUTES.toMicros(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BenchSettings s;

    ChangeFeedScenario(BenchSettings settings) {
        this.s = settings;
    }

    ScenarioResult run() throws Exception {
        long started = System.nanoTime();
        int rate = s.quick() ? 200 : 500;
        Duration duration = s.quick() ? Duration.ofSeconds(5) : Duration.ofSeconds(30);
        // The same round unmeasured first, so that neither the feed nor the writes run cold.
        round("feed-warmup-" + Long.toHexString(System.nanoTime()) + "-", rate, duration.dividedBy(2));
        Round measured = round("feed-" + Long.toHexString(System.nanoTime()) + "-", rate, duration);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("delivery_ms", latencies(measured.feed()));
        figures.put("changes", measured.changes());
        figures.put("missed", 0);
        figures.put("repeated", 0);
        figures.put("offered_per_s", rate);
        figures.put("achieved_per_s", Figures.round(measured.writes().achievedRate(), 1));
        Map<String, Object> reference = new LinkedHashMap<>();
        reference.put("delivery_ms", latencies(measured.raw()));
        reference.put("records", measured.rawRecords());
        reference.put("settings", "a plain consumer of every event topic (no group), filtering the same prefix");
        double feedP99 = measured.feed().getValueAtPercentile(99) / 1000.0;
        double rawP99 = measured.raw().getValueAtPercentile(99) / 1000.0;
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("writes", measured.writes().acknowledged());
        counts.put("duration_s", duration.toSeconds());
        counts.put("warmup_s", duration.dividedBy(2).toSeconds());
        return new ScenarioResult(
                ID,
                "a follower of GET /changes (SSE) in " + REGION + " while " + rate + " writes/s are offered over the"
                        + " regions for " + duration.toSeconds() + " s: from each write's timestamp to its delivery",
                figures,
                new ScenarioResult.RawReference("kafka_consumer_of_the_topics", reference),
                List.of(),
                feedP99 == 0 ? 0 : Figures.round(rawP99 / feedP99, 3),
                "reference p99 / feed p99 (delivery)",
                null,
                s.valueSize(),
                counts,
                (System.nanoTime() - started) / 1_000_000);
    }

    private record Round(OpenLoopWrites.Result writes, Histogram feed, int changes, Histogram raw, long rawRecords) {}

    /** Writes at {@code rate} for {@code duration} while the feed and the reference follow them; every write must arrive once. */
    private Round round(String prefix, int rate, Duration duration) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String cursor = startCursor(http, prefix);

        Histogram feed = new Histogram(HISTOGRAM_MAX_MICROS, 3);
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        Histogram raw = new Histogram(HISTOGRAM_MAX_MICROS, 3);
        AtomicLong rawRecords = new AtomicLong();
        // Threads of their own: the common pool may have one thread on two cores.
        ExecutorService readers = Executors.newFixedThreadPool(2);
        AtomicReference<Stream<String>> stream = new AtomicReference<>();
        readers.submit(() -> follow(http, prefix, cursor, feed, seen, stop, stream));
        Future<?> consumer = readers.submit(() -> consume(prefix, raw, rawRecords, stop));
        try {
            OpenLoopWrites.Result writes = new OpenLoopWrites(s).run(prefix, rate, duration, () -> false);
            long deadline = System.nanoTime() + s.materializeTimeout().toNanos();
            while (seen.size() < writes.acknowledged() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            long repeated = seen.values().stream().filter(count -> count > 1).count();
            long missing = writes.acknowledged() - seen.size();
            if (missing > 0 || repeated > 0) {
                throw new IllegalStateException("the feed missed " + missing + " and repeated " + repeated + " of "
                        + writes.acknowledged() + " acknowledged writes");
            }
            return new Round(writes, feed, seen.size(), raw, rawRecords.get());
        } finally {
            stop.set(true);
            // Closing the body ends the connection, and with it the gateway's follower.
            Optional.ofNullable(stream.get()).ifPresent(Stream::close);
            consumer.get(30, TimeUnit.SECONDS);
            readers.shutdownNow();
        }
    }

    private String startCursor(HttpClient http, String prefix) throws Exception {
        HttpResponse<String> page = http.send(
                request("/changes?wait=0&prefix=" + encode(prefix))
                        .header("Accept", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (page.statusCode() != 200) {
            throw new IllegalStateException("GET /changes answered " + page.statusCode() + ": " + page.body());
        }
        return JSON.readTree(page.body()).path("cursor").asText();
    }

    /** Reads the event stream until stopped: each change's latency and how often its event id came. */
    private void follow(
            HttpClient http,
            String prefix,
            String cursor,
            Histogram latency,
            Map<String, Integer> seen,
            AtomicBoolean stop,
            AtomicReference<Stream<String>> body) {
        try {
            HttpResponse<Stream<String>> stream = http.send(
                    request("/changes?prefix=" + encode(prefix) + "&cursor=" + encode(cursor))
                            .header("Accept", "text/event-stream")
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            body.set(stream.body());
            try (Stream<String> lines = stream.body()) {
                lines.takeWhile(line -> !stop.get())
                        .filter(line -> line.startsWith("data:"))
                        .forEach(line -> {
                            long now = System.currentTimeMillis();
                            try {
                                JsonNode change = JSON.readTree(line.substring("data:".length()));
                                long stamped = HybridLogicalClock.physicalMillis(
                                        change.path("timestamp").asLong());
                                record(latency, now - stamped);
                                seen.merge(change.path("event_id").asText(), 1, Integer::sum);
                            } catch (Exception e) {
                                throw new IllegalStateException("not a change: " + line, e);
                            }
                        });
            }
        } catch (Exception e) {
            if (!stop.get()) {
                throw new IllegalStateException("following the change feed failed", e);
            }
        }
    }

    /** The reference: every event topic read straight from the cluster, latency from each record's timestamp. */
    private void consume(String prefix, Histogram latency, AtomicLong records, AtomicBoolean stop) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapOf(REGION));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        byte[] keyPrefix = (BenchSettings.TENANT + "/" + prefix).getBytes(StandardCharsets.UTF_8);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String region : s.regions()) {
                String topic = GeokvNames.eventTopic(region);
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            Set<TopicPartition> assigned = Set.copyOf(partitions);
            assigned.forEach(consumer::position);
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    if (record.key() != null && startsWith(record.key(), keyPrefix)) {
                        record(latency, System.currentTimeMillis() - record.timestamp());
                        records.incrementAndGet();
                    }
                }
            }
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static void record(Histogram histogram, long millis) {
        synchronized (histogram) {
            histogram.recordValue(Math.max(0, Math.min(millis * 1000, HISTOGRAM_MAX_MICROS)));
        }
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(s.gatewayUrl() + pathAndQuery))
                .header("X-Region", REGION)
                .header("X-Tenant", BenchSettings.TENANT);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
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
