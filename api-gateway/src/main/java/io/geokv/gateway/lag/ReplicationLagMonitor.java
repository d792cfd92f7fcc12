package io.geokv.gateway.lag;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.geokv.event.EventTopics;
import io.geokv.topics.TopicOffsets;

/**
 * Replication lag as Kafka sees it: for each region's Streams application {@code geokv-<region>}
 * and each origin topic, end offsets minus committed offsets (Admin API), and the age of the oldest
 * unconsumed event, read by peeking at the record at the committed offset. Refreshed on a schedule
 * so HTTP requests and Prometheus scrapes never wait on Kafka.
 */
public final class ReplicationLagMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicationLagMonitor.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration PEEK_TIMEOUT = Duration.ofSeconds(2);

    private final List<String> regions;
    private final Admin admin;
    private final TopicOffsets offsets;
    private final Consumer<byte[], byte[]> peeker;
    private final Clock clock;
    private final AtomicReference<List<ReplicationLag>> latest = new AtomicReference<>(List.of());
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "geokv-lag-monitor");
        thread.setDaemon(true);
        return thread;
    });

    public ReplicationLagMonitor(List<String> regions, Admin admin, Consumer<byte[], byte[]> peeker, Clock clock,
            MeterRegistry meters) {
        this.regions = List.copyOf(regions);
        this.admin = admin;
        this.offsets = new TopicOffsets(admin, KAFKA_TIMEOUT);
        this.peeker = peeker;
        this.clock = clock;
        for (String region : regions) {
            for (String origin : regions) {
                Gauge.builder("geokv.replication.lag.records", () -> find(region, origin).lagRecords())
                        .tags("region", region, "origin", origin)
                        .description("events of origin not yet consumed by the region's Streams application")
                        .register(meters);
                Gauge.builder("geokv.replication.lag.seconds", () -> find(region, origin).lagSeconds())
                        .tags("region", region, "origin", origin)
                        .description("age of the oldest event of origin the region has not consumed yet")
                        .baseUnit("seconds")
                        .register(meters);
            }
        }
    }

    /** Refreshes on a dedicated thread: Kafka's consumer is single-threaded and its calls block. */
    public void start(Duration interval) {
        refresher.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public List<ReplicationLag> current() {
        return latest.get();
    }

    private ReplicationLag find(String region, String origin) {
        return latest.get().stream()
                .filter(lag -> lag.region().equals(region) && lag.origin().equals(origin))
                .findFirst()
                .orElse(new ReplicationLag(region, origin, 0, 0));
    }

    /** Reads lag from Kafka. Failures keep the last known figures. */
    void refresh() {
        try {
            latest.set(measure());
        } catch (Exception e) {
            log.warn("could not read replication lag from Kafka: {}", e.toString());
        }
    }

    private List<ReplicationLag> measure() throws Exception {
        Set<TopicPartition> partitions = offsets.eventPartitions(regions);
        Map<TopicPartition, Long> ends = offsets.offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> starts = offsets.offsets(partitions, OffsetSpec.earliest());
        long now = clock.millis();
        List<ReplicationLag> result = new ArrayList<>();
        for (String region : regions) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin
                    .listConsumerGroupOffsets("geokv-" + region).partitionsToOffsetAndMetadata()
                    .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> positions = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata offset = committed.get(tp);
                positions.put(tp, offset == null ? starts.get(tp) : offset.offset());
            }
            Map<TopicPartition, Long> oldestUnconsumed = peekTimestamps(positions, ends);
            for (String origin : regions) {
                String topic = EventTopics.forRegion(origin);
                long records = 0;
                long oldest = Long.MAX_VALUE;
                for (TopicPartition tp : partitions) {
                    if (!tp.topic().equals(topic)) {
                        continue;
                    }
                    records += Math.max(0, ends.get(tp) - positions.get(tp));
                    oldest = Math.min(oldest, oldestUnconsumed.getOrDefault(tp, Long.MAX_VALUE));
                }
                double seconds;
                if (records == 0) {
                    seconds = 0;
                } else if (oldest == Long.MAX_VALUE) {
                    // Lagging, but the oldest event could not be read in time: keep the last known age.
                    seconds = find(region, origin).lagSeconds();
                } else {
                    seconds = Math.max(0, now - oldest) / 1000.0;
                }
                result.add(new ReplicationLag(region, origin, records, seconds));
            }
        }
        return List.copyOf(result);
    }

    /** The timestamp of the first unconsumed record of each lagging partition. */
    private Map<TopicPartition, Long> peekTimestamps(Map<TopicPartition, Long> positions, Map<TopicPartition, Long> ends) {
        List<TopicPartition> lagging = positions.keySet().stream()
                .filter(tp -> positions.get(tp) < ends.get(tp)).toList();
        Map<TopicPartition, Long> timestamps = new HashMap<>();
        if (lagging.isEmpty()) {
            return timestamps;
        }
        peeker.assign(lagging);
        lagging.forEach(tp -> peeker.seek(tp, positions.get(tp)));
        long deadline = System.nanoTime() + PEEK_TIMEOUT.toNanos();
        while (timestamps.size() < lagging.size() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : peeker.poll(Duration.ofMillis(100))) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                timestamps.putIfAbsent(tp, record.timestamp());
                peeker.pause(List.of(tp));
            }
        }
        peeker.assign(List.of());
        return timestamps;
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        try {
            refresher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        peeker.close();
    }
}
