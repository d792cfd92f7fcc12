package io.geokv.gateway.lag;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.geokv.naming.GeokvNames;
import io.geokv.store.RegionStores;
import io.geokv.topics.TopicOffsets;

/**
 * Replication lag, for each region and origin topic, measured two ways (see {@link ReplicationLag}):
 * end offsets minus what the region's PostgreSQL has applied (its {@code applied_offsets} table, the
 * lag a reader sees), and end offsets minus the committed offsets of the region's Streams application
 * (Admin API); each with the age of the oldest event behind, read by peeking at the record at that
 * position. Refreshed on a schedule so HTTP requests and Prometheus scrapes never wait on Kafka or
 * PostgreSQL.
 */
public final class ReplicationLagMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicationLagMonitor.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration PEEK_TIMEOUT = Duration.ofSeconds(2);

    private final List<String> regions;
    private final RegionStores stores;
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

    public ReplicationLagMonitor(RegionStores stores, Admin admin, Consumer<byte[], byte[]> peeker, Clock clock,
            MeterRegistry meters) {
        this.regions = stores.names();
        this.stores = stores;
        this.admin = admin;
        this.offsets = new TopicOffsets(admin, KAFKA_TIMEOUT);
        this.peeker = peeker;
        this.clock = clock;
        for (String region : regions) {
            for (String origin : regions) {
                Gauge.builder("geokv.replication.lag.records", () -> find(region, origin).lagRecords())
                        .tags("region", region, "origin", origin)
                        .description("events of origin the region's PostgreSQL has not applied yet")
                        .register(meters);
                Gauge.builder("geokv.replication.lag.seconds", () -> find(region, origin).lagSeconds())
                        .tags("region", region, "origin", origin)
                        .description("age of the oldest event of origin the region's PostgreSQL has not applied yet")
                        .baseUnit("seconds")
                        .register(meters);
                Gauge.builder("geokv.replication.consumer.lag.records", () -> find(region, origin).consumerLagRecords())
                        .tags("region", region, "origin", origin)
                        .description("events of origin not yet consumed by the region's Streams application")
                        .register(meters);
                Gauge.builder("geokv.replication.consumer.lag.seconds", () -> find(region, origin).consumerLagSeconds())
                        .tags("region", region, "origin", origin)
                        .description("age of the oldest event of origin the region's Streams application has not consumed")
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
                .orElse(ReplicationLag.none(region, origin));
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
        List<ReplicationLag> result = new ArrayList<>();
        for (String region : regions) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin
                    .listConsumerGroupOffsets("geokv-" + region).partitionsToOffsetAndMetadata()
                    .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> consumed = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata offset = committed.get(tp);
                consumed.put(tp, offset == null ? starts.get(tp) : offset.offset());
            }
            Map<String, Behind> consumerLag = behind(region, partitions, consumed, ends, ReplicationLag::consumerLagSeconds);
            Map<String, Behind> appliedLag = applied(region, partitions, starts)
                    .map(positions -> behind(region, partitions, positions, ends, ReplicationLag::lagSeconds))
                    .orElseGet(() -> lastKnownAppliedLag(region));
            for (String origin : regions) {
                Behind readers = appliedLag.get(origin);
                Behind consumer = consumerLag.get(origin);
                result.add(new ReplicationLag(region, origin, readers.records(), readers.seconds(),
                        consumer.records(), consumer.seconds()));
            }
        }
        return List.copyOf(result);
    }

    private record Behind(long records, double seconds) {}

    /**
     * How far the region's PostgreSQL has applied each partition; empty when it cannot be asked (the
     * last known figures are kept, and the region's PostgreSQL check reports the failure).
     */
    private Optional<Map<TopicPartition, Long>> applied(String region, Set<TopicPartition> partitions,
            Map<TopicPartition, Long> starts) {
        try {
            Map<TopicPartition, Long> applied = new HashMap<>();
            stores.get(region).reader().appliedOffsets().collectList().block(KAFKA_TIMEOUT).forEach(offset ->
                    applied.put(new TopicPartition(offset.topic(), offset.partition()), offset.nextOffset()));
            Map<TopicPartition, Long> positions = new HashMap<>();
            for (TopicPartition tp : partitions) {
                positions.put(tp, Math.max(starts.get(tp), applied.getOrDefault(tp, 0L)));
            }
            return Optional.of(positions);
        } catch (RuntimeException e) {
            log.debug("region {}: applied offsets unavailable this round: {}", region, e.toString());
            return Optional.empty();
        }
    }

    private Map<String, Behind> lastKnownAppliedLag(String region) {
        Map<String, Behind> last = new HashMap<>();
        for (String origin : regions) {
            ReplicationLag lag = find(region, origin);
            last.put(origin, new Behind(lag.lagRecords(), lag.lagSeconds()));
        }
        return last;
    }

    /** Per origin, records behind {@code positions} and the age of the oldest of them. */
    private Map<String, Behind> behind(String region, Set<TopicPartition> partitions,
            Map<TopicPartition, Long> positions, Map<TopicPartition, Long> ends,
            ToDoubleFunction<ReplicationLag> lastSeconds) {
        Map<TopicPartition, Long> oldestBehind = peekTimestamps(positions, ends);
        long now = clock.millis();
        Map<String, Behind> result = new HashMap<>();
        for (String origin : regions) {
            String topic = GeokvNames.eventTopic(origin);
            long records = 0;
            long oldest = Long.MAX_VALUE;
            for (TopicPartition tp : partitions) {
                if (!tp.topic().equals(topic)) {
                    continue;
                }
                records += Math.max(0, ends.get(tp) - positions.get(tp));
                oldest = Math.min(oldest, oldestBehind.getOrDefault(tp, Long.MAX_VALUE));
            }
            double seconds;
            if (records == 0) {
                seconds = 0;
            } else if (oldest == Long.MAX_VALUE) {
                // Behind, but the oldest event could not be read in time: keep the last known age.
                seconds = lastSeconds.applyAsDouble(find(region, origin));
            } else {
                seconds = Math.max(0, now - oldest) / 1000.0;
            }
            result.put(origin, new Behind(records, seconds));
        }
        return result;
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
