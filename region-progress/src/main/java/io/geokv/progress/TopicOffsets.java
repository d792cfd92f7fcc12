package io.geokv.progress;

import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import reactor.core.publisher.Mono;

/**
 * Where the event topics stand, read with the Admin API: their partitions and their offsets, as
 * {@link LogPositions}. Kafka's own {@link TopicPartition} stays at this edge.
 */
public final class TopicOffsets {

    private final Admin admin;
    private final Duration timeout;

    public TopicOffsets(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** Every partition of the given topics. */
    public Set<EventPartition> partitions(Collection<String> topics) {
        return get(admin.describeTopics(topics).allTopicNames()).values().stream()
                .flatMap(d -> d.partitions().stream().map(p -> new EventPartition(d.name(), p.partition())))
                .collect(Collectors.toSet());
    }

    /** Every partition of every region's event topic. */
    public Set<EventPartition> eventPartitions(Collection<String> regions) {
        return partitions(regions.stream().map(GeokvNames::eventTopic).toList());
    }

    /** The end of each partition: the offset the next record appended there gets. */
    public LogPositions ends(Collection<EventPartition> partitions) {
        return positions(
                get(admin.listOffsets(request(partitions, OffsetSpec.latest())).all()));
    }

    /** The first offset still kept in each partition (retention may have removed older ones). */
    public LogPositions starts(Collection<EventPartition> partitions) {
        return positions(get(
                admin.listOffsets(request(partitions, OffsetSpec.earliest())).all()));
    }

    /**
     * The timestamp of the newest record of each partition (by record timestamp); a partition
     * without records, or a topic that does not exist, is absent.
     */
    public Map<EventPartition, Long> newestTimestamps(Collection<EventPartition> partitions) {
        Map<EventPartition, Long> newest = new HashMap<>();
        // Asked only of topics that exist: Kafka's admin client logs an error for every unknown one.
        Set<String> existing = get(admin.listTopics().names());
        for (EventPartition partition : partitions) {
            if (!existing.contains(partition.topic())) {
                continue;
            }
            try {
                ListOffsetsResultInfo info = get(admin.listOffsets(Map.of(kafka(partition), OffsetSpec.maxTimestamp()))
                        .partitionResult(kafka(partition)));
                if (info.offset() >= 0 && info.timestamp() >= 0) {
                    newest.put(partition, info.timestamp());
                }
            } catch (KafkaException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return newest;
    }

    /** The offsets consumer group {@code groupId} committed for these partitions; absent where it has none. */
    public LogPositions committed(String groupId, Collection<EventPartition> partitions) {
        ListConsumerGroupOffsetsSpec spec = new ListConsumerGroupOffsetsSpec()
                .topicPartitions(partitions.stream().map(TopicOffsets::kafka).toList());
        Map<TopicPartition, OffsetAndMetadata> committed =
                get(admin.listConsumerGroupOffsets(Map.of(groupId, spec)).partitionsToOffsetAndMetadata(groupId));
        LogPositions positions = LogPositions.empty();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
            if (e.getValue() != null) {
                positions = positions.with(of(e.getKey()), e.getValue().offset());
            }
        }
        return positions;
    }

    /** {@link #ends}, without blocking. */
    public Mono<LogPositions> endsLater(Collection<EventPartition> partitions) {
        return Mono.fromCompletionStage(() -> admin.listOffsets(request(partitions, OffsetSpec.latest()))
                        .all()
                        .toCompletionStage())
                .map(TopicOffsets::positions);
    }

    public static TopicPartition kafka(EventPartition partition) {
        return new TopicPartition(partition.topic(), partition.partition());
    }

    public static EventPartition of(TopicPartition partition) {
        return new EventPartition(partition.topic(), partition.partition());
    }

    private static Map<TopicPartition, OffsetSpec> request(Collection<EventPartition> partitions, OffsetSpec spec) {
        return partitions.stream().collect(Collectors.toMap(TopicOffsets::kafka, p -> spec));
    }

    private static LogPositions positions(Map<TopicPartition, ListOffsetsResultInfo> offsets) {
        return LogPositions.of(offsets.entrySet().stream()
                .collect(Collectors.toMap(e -> of(e.getKey()), e -> e.getValue().offset())));
    }

    private <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("Kafka did not answer within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted", e);
        }
    }
}
