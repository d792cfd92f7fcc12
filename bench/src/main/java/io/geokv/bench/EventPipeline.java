package io.geokv.bench;

import io.geokv.conflict.VersionVector;
import io.geokv.event.EventTopics;
import io.geokv.event.KvEventSerializer;
import io.geokv.event.KvEvents;
import io.geokv.event.avro.KvEvent;
import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The event log as the replication scenarios drive it: events produced straight to the region topics
 * (as any client may), where the log ends, whether replication runs, and when each region's
 * {@code applied_offsets} (written in the same transaction as its rows) cover a position: completion
 * is read from the applied positions, never from a scan of the data.
 */
final class EventPipeline implements AutoCloseable {

    private static final Duration APPLIED_POLL = Duration.ofMillis(20);

    private final BenchSettings s;
    /** An admin client per cluster, by bootstrap servers: one in the single topology, one per region in multi. */
    private final Map<String, Admin> admins = new HashMap<>();

    private final ReplicationControl replication;

    EventPipeline(BenchSettings settings) {
        this.s = settings;
        this.replication = new ReplicationControl(settings.streamsUrl());
    }

    /** The admin client of the cluster that holds {@code region}'s own event topic. */
    private Admin adminOf(String region) {
        return admins.computeIfAbsent(
                s.bootstrapOf(region),
                servers -> Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers)));
    }

    void pause(List<String> regions) throws Exception {
        for (String region : regions) {
            replication.pause(region);
        }
    }

    void resume(List<String> regions) throws Exception {
        for (String region : regions) {
            replication.resume(region);
        }
    }

    /**
     * Produces {@code n} events of unique keys {@code <prefix>-<i>}, spread over the region topics,
     * acknowledged by every in-sync replica.
     */
    void produce(String prefix, int n) throws Exception {
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
                String key = prefix + "-" + i;
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
    }

    /**
     * Every event partition's end: the next offset a producer's record gets, in the cluster where the
     * topic's region writes it (its origin offsets, which applied_offsets' next_offset speaks).
     */
    LogPositions ends() throws Exception {
        LogPositions ends = LogPositions.empty();
        for (String region : s.regions()) {
            String topic = GeokvNames.eventTopic(region);
            Admin admin = adminOf(region);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end :
                    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
                ends = ends.with(
                        new EventPartition(end.getKey().topic(), end.getKey().partition()),
                        end.getValue().offset());
            }
        }
        return ends;
    }

    /**
     * Per region, the nanos from {@code t0} until its applied offsets cover {@code to}; 0 for a
     * region that did not get there within {@code timeout}.
     */
    Map<String, Long> awaitApplied(List<String> regions, LogPositions to, long t0, Duration timeout) throws Exception {
        Map<String, Long> done = new LinkedHashMap<>();
        long deadline = t0 + timeout.toNanos();
        Map<String, Connection> connections = new LinkedHashMap<>();
        try {
            for (String region : regions) {
                connections.put(region, s.connect(region));
            }
            while (done.size() < regions.size() && System.nanoTime() < deadline) {
                for (String region : regions) {
                    if (!done.containsKey(region) && to.coveredBy(applied(connections.get(region)))) {
                        done.put(region, System.nanoTime() - t0);
                    }
                }
                Thread.sleep(APPLIED_POLL.toMillis());
            }
        } finally {
            for (Connection c : connections.values()) {
                c.close();
            }
        }
        Map<String, Long> ordered = new LinkedHashMap<>();
        for (String region : regions) {
            ordered.put(region, done.getOrDefault(region, 0L));
        }
        return ordered;
    }

    /** What the region has applied: its applied_offsets, a row per event partition. */
    private static LogPositions applied(Connection c) throws SQLException {
        LogPositions applied = LogPositions.empty();
        try (PreparedStatement ps = c.prepareStatement("SELECT topic, partition, next_offset FROM applied_offsets");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                applied = applied.with(new EventPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
            }
        }
        return applied;
    }

    @Override
    public void close() {
        admins.values().forEach(admin -> admin.close(Duration.ofSeconds(5)));
    }
}
