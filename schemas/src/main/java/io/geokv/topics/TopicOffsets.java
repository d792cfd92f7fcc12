package io.geokv.topics;

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
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

import io.geokv.naming.GeokvNames;

/** Where the event topics stand, read with the Admin API: their partitions and their offsets. */
public final class TopicOffsets {

    private final Admin admin;
    private final Duration timeout;

    public TopicOffsets(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** Every partition of the given topics. */
    public Set<TopicPartition> partitions(Collection<String> topics) {
        return get(admin.describeTopics(topics).allTopicNames()).values().stream()
                .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                .collect(Collectors.toSet());
    }

    /** Every partition of every region's {@code kv-events.<region>} topic. */
    public Set<TopicPartition> eventPartitions(Collection<String> regions) {
        return partitions(regions.stream().map(GeokvNames::eventTopic).toList());
    }

    /** The offset {@code spec} gives in each partition (latest: the end; earliest: the first kept). */
    public Map<TopicPartition, Long> offsets(Set<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> spec));
        Map<TopicPartition, Long> result = new HashMap<>();
        get(admin.listOffsets(request).all()).forEach((tp, info) -> result.put(tp, info.offset()));
        return result;
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
