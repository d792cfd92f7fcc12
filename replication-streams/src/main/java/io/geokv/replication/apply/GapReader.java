package io.geokv.replication.apply;

import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.replication.apply.OriginHeaders.Origin;
import io.geokv.topics.ClientSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads ranges of event partitions with a plain consumer, outside any group: what a task reads back
 * at its start when Kafka Streams committed input offsets beyond what PostgreSQL holds (at-least-once
 * Streams commits the offsets of records a task had processed but not yet written).
 */
final class GapReader {

    private final Map<String, Object> consumerConfig;
    private final Set<String> mirroredTopics;
    private final Duration timeout;

    /**
     * @param consumerProperties the user's consumer settings; group, commits and resets are geokv's
     * @param mirroredTopics the event topics that are mirrored copies in the cluster it reads
     */
    GapReader(Map<String, Object> consumerProperties, Set<String> mirroredTopics, Duration timeout) {
        Map<String, Object> config = new HashMap<>(consumerProperties);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        ClientSettings.require(
                config,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "none",
                "a range that is no longer in the log is a loss to report, not to skip");
        ClientSettings.readCommitted(config);
        this.consumerConfig = config;
        this.mirroredTopics = Set.copyOf(mirroredTopics);
        this.timeout = timeout;
    }

    /**
     * Hands every record of each partition from {@code from} up to {@code to} (exclusive) to {@code
     * records}, in log order per partition.
     *
     * @throws IllegalStateException when the range cannot be read within the timeout
     */
    void read(LogPositions from, LogPositions to, Consumer<EventRecord> records) {
        Map<TopicPartition, Long> ends = new HashMap<>();
        to.asMap().forEach((partition, end) -> {
            if (end > from.next(partition)) {
                ends.put(new TopicPartition(partition.topic(), partition.partition()), end);
            }
        });
        if (ends.isEmpty()) {
            return;
        }
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.copyOf(ends.keySet()));
            ends.keySet().forEach(tp -> consumer.seek(tp, from.next(new EventPartition(tp.topic(), tp.partition()))));
            Instant deadline = Instant.now().plus(timeout);
            while (!ends.isEmpty()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("could not read back " + ends + " within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Long end = ends.get(new TopicPartition(r.topic(), r.partition()));
                    if (end != null && r.offset() < end) {
                        records.accept(EventRecord.read(
                                r.key(),
                                r.value(),
                                r.headers(),
                                new Origin(r.topic(), r.partition(), r.offset(), r.timestamp()),
                                mirroredTopics.contains(r.topic())));
                    }
                }
                ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                consumer.pause(consumer.assignment().stream()
                        .filter(tp -> !ends.containsKey(tp))
                        .toList());
            }
        }
    }
}
