package io.geokv.replication.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.util.backoff.FixedBackOff;

import io.geokv.conflict.KeyStateCodec;
import io.geokv.event.EventTopics;
import io.geokv.replication.merge.MergeTopology;
import io.geokv.replication.merge.OriginHeaders;
import io.geokv.store.RegionStore;
import io.geokv.store.postgres.AppliedOffset;
import io.geokv.store.postgres.MaterializedState;

/**
 * Writes a region's merged states from its materialized topic into its PostgreSQL and Redis.
 *
 * <p>Kafka transactions cannot cover PostgreSQL, so this sink is at-least-once and idempotent
 * instead: a batch is committed to PostgreSQL (rows and applied offsets in one transaction, guarded
 * so that an older state never overwrites a newer one) before its Kafka offsets are committed, and a
 * failed batch is retried until it succeeds. Redis is only a cache: a failed Redis write is counted
 * and logged, never allowed to stop PostgreSQL from advancing.
 */
public final class RegionSink {

    private static final Logger log = LoggerFactory.getLogger(RegionSink.class);

    private final String region;
    private final RegionStore store;
    private final KafkaMessageListenerContainer<String, byte[]> container;
    private final Counter statesWritten;
    private final Counter cacheFailures;

    public RegionSink(String region, Map<String, Object> consumerProperties, RegionStore store,
            Duration retryBackoff, MeterRegistry meters) {
        this.region = region;
        this.store = store;
        this.statesWritten = Counter.builder("geokv.sink.states.written").tag("region", region)
                .description("merged states written to the region's PostgreSQL").register(meters);
        this.cacheFailures = Counter.builder("geokv.sink.cache.failures").tag("region", region)
                .description("batches whose Redis update failed (PostgreSQL was still written)").register(meters);

        Map<String, Object> props = new HashMap<>(consumerProperties);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(region));
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);

        ContainerProperties containerProperties = new ContainerProperties(MergeTopology.materializedTopic(region));
        containerProperties.setAckMode(ContainerProperties.AckMode.BATCH);
        containerProperties.setPollTimeout(100);
        containerProperties.setMessageListener((BatchMessageListener<String, byte[]>) this::write);
        this.container = new KafkaMessageListenerContainer<>(new DefaultKafkaConsumerFactory<>(props), containerProperties);
        this.container.setBeanName("geokv-sink-" + region);
        this.container.setCommonErrorHandler(
                new DefaultErrorHandler(new FixedBackOff(retryBackoff.toMillis(), FixedBackOff.UNLIMITED_ATTEMPTS)));
    }

    public static String groupId(String region) {
        return "geokv-" + region + "-sink";
    }

    public void start() {
        container.start();
    }

    public void stop() {
        container.stop();
    }

    public boolean isRunning() {
        return container.isRunning();
    }

    private void write(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, MaterializedState> latest = new LinkedHashMap<>();
        Map<TopicPartition, Long> applied = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            OriginHeaders.read(record.headers()).ifPresent(origin -> applied.merge(
                    new TopicPartition(origin.topic(), origin.partition()), origin.offset() + 1, Math::max));
            if (record.value() != null) {
                EventTopics.RecordKey key = EventTopics.parseRecordKey(record.key()).orElseThrow();
                // Records of one key arrive in processing order, so the last one in a batch is the newest.
                latest.put(record.key(), new MaterializedState(key.tenant(), key.key(), KeyStateCodec.decode(record.value())));
            }
        }
        List<MaterializedState> states = new ArrayList<>(latest.values());
        List<AppliedOffset> offsets = applied.entrySet().stream()
                .map(e -> new AppliedOffset(e.getKey().topic(), e.getKey().partition(), e.getValue()))
                .toList();
        store.writer().write(states, offsets);
        statesWritten.increment(states.size());
        try {
            store.cache().putAll(states);
        } catch (RuntimeException e) {
            cacheFailures.increment();
            log.warn("region {}: Redis update of {} states failed, reads fall back to PostgreSQL: {}",
                    region, states.size(), e.toString());
        }
    }
}
