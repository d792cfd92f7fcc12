package io.geokv.bench;

import io.geokv.event.EventTopics;
import io.geokv.event.KvEventCodec;
import io.geokv.event.avro.KvEvent;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The best replication a user could hand-write for one region on geokv's own topics, without
 * conflict handling: a plain consumer of every region's event topic, Avro decoding, batched upserts of
 * rows of kv_state's shape with the consumed offsets stored in PostgreSQL in the same transaction,
 * and the Kafka commit after PostgreSQL's. It keeps the last write of a key (no merge, no siblings, no
 * cache): what geokv does on top of it is what the ratio prices.
 */
final class HandWrittenPipeline {

    private static final byte[] NO_DIGEST = new byte[32];

    private final BenchSettings s;
    private final String region;

    HandWrittenPipeline(BenchSettings settings, String region) {
        this.s = settings;
        this.region = region;
    }

    /** Applies every record in {@code [from, to)} into the region's {@code bench_raw_kv}; returns the nanos it took. */
    long apply(LogPositions from, LogPositions to, Duration timeout) throws SQLException {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-hand-written-" + region + "-" + System.nanoTime());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        KvEventCodec codec = new KvEventCodec();
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer =
                        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
                Connection db = s.connect(region)) {
            db.setAutoCommit(false);
            RawRows rows = new RawRows(db);
            // The row geokv keeps per partition: read and origin offsets are one in a single cluster.
            PreparedStatement offsets = db.prepareStatement("INSERT INTO bench_raw_offsets (topic, partition,"
                    + " read_offset, next_offset) VALUES (?, ?, ?, ?) ON CONFLICT (topic, partition) DO UPDATE SET"
                    + " read_offset = EXCLUDED.read_offset, next_offset = EXCLUDED.next_offset, updated_at = now()");
            List<TopicPartition> partitions = to.asMap().keySet().stream()
                    .map(ep -> new TopicPartition(ep.topic(), ep.partition()))
                    .toList();
            consumer.assign(partitions);
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, from.next(new EventPartition(tp.topic(), tp.partition())));
            }
            LogPositions applied = from;
            while (!to.coveredBy(applied)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the hand-written pipeline of " + region + " did not apply "
                            + "every record within " + timeout);
                }
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                // One statement may not upsert a row twice: the last write of a key in the batch wins.
                Map<String, RawRows.Row> latest = new LinkedHashMap<>();
                Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
                for (ConsumerRecord<String, byte[]> record : records) {
                    KvEvent event = codec.decode(record.value());
                    ByteBuffer value = event.getValue();
                    byte[] bytes = null;
                    if (value != null) {
                        bytes = new byte[value.remaining()];
                        value.duplicate().get(bytes);
                    }
                    latest.put(
                            EventTopics.recordKey(event.getTenant(), event.getKey()),
                            new RawRows.Row(
                                    event.getTenant(),
                                    event.getKey(),
                                    record.offset(),
                                    record.value(),
                                    NO_DIGEST,
                                    bytes,
                                    event.getContentType(),
                                    bytes == null,
                                    1));
                    commits.put(
                            new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                }
                rows.upsert(new ArrayList<>(latest.values()));
                for (Map.Entry<TopicPartition, OffsetAndMetadata> commit : commits.entrySet()) {
                    offsets.setString(1, commit.getKey().topic());
                    offsets.setInt(2, commit.getKey().partition());
                    offsets.setLong(3, commit.getValue().offset());
                    offsets.setLong(4, commit.getValue().offset());
                    offsets.addBatch();
                    applied = applied.with(
                            new EventPartition(
                                    commit.getKey().topic(), commit.getKey().partition()),
                            commit.getValue().offset());
                }
                offsets.executeBatch();
                db.commit();
                consumer.commitSync(commits);
            }
        }
        return System.nanoTime() - t0;
    }
}
