package io.geokv.replication.sink;

import io.geokv.conflict.KeyStateCodec;
import io.geokv.event.EventTopics;
import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.replication.merge.OriginHeaders;
import io.geokv.store.RegionStore;
import io.geokv.store.postgres.MaterializedState;
import io.geokv.store.postgres.StoreException;
import io.geokv.topics.ClientSettings;
import io.geokv.topics.RecordSizes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Writes a region's merged states from its materialized topic into its PostgreSQL and Redis.
 *
 * <p>Kafka transactions cannot cover PostgreSQL, so this sink is at-least-once and idempotent
 * instead: a batch is committed to PostgreSQL (rows and applied offsets in one transaction, guarded
 * so that an older state never overwrites a newer one) before its Kafka offsets are committed, and a
 * failed batch is retried until it succeeds. Redis is only a cache: a failed Redis write is counted
 * and logged, never allowed to stop PostgreSQL from advancing.
 *
 * <p>A batch PostgreSQL refuses for a reason that a retry cannot cure (a {@linkplain
 * StoreException#isTransient() non-transient} failure: bad data, a violated constraint) would stop the
 * region for good. Then the batch's states are written one by one, each one refused is sent to {@link
 * EventTopics#DEAD_LETTERS} with the reason, and the region goes on: a loud, counted loss of one
 * key's state in one region, which a replay repairs once the cause is fixed, rather than a silent halt.
 */
public final class RegionSink {

    private static final Logger log = LoggerFactory.getLogger(RegionSink.class);

    private final String region;
    private final RegionStore store;
    private final KafkaMessageListenerContainer<String, byte[]> container;
    private final Counter statesWritten;
    private final Counter cacheFailures;
    private final Counter deadLettered;
    private final Producer<String, byte[]> deadLetters;
    private final Duration retryBackoff;
    private final ScheduledExecutorService cacheRepairs;

    /**
     * @param deadLetterProducer producer properties for the dead-letter topic; must take a record of
     *     {@code maxStateRecordBytes}
     */
    public RegionSink(
            String region,
            Map<String, Object> consumerProperties,
            Map<String, Object> deadLetterProducer,
            long maxStateRecordBytes,
            RegionStore store,
            Duration retryBackoff,
            MeterRegistry meters) {
        this.retryBackoff = retryBackoff;
        this.cacheRepairs = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "geokv-sink-cache-repair-" + region);
            thread.setDaemon(true);
            return thread;
        });
        this.region = region;
        this.store = store;
        this.deadLettered = Counter.builder("geokv.sink.dead.letters")
                .tag("region", region)
                .description("merged states the region's PostgreSQL refused, sent to the dead-letter topic")
                .register(meters);
        Map<String, Object> producer = new HashMap<>(deadLetterProducer);
        ClientSettings.require(producer, ProducerConfig.ACKS_CONFIG, "all", "a dead letter survives a broker loss");
        ClientSettings.require(
                producer, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, "a retried dead letter is not a second one");
        RecordSizes.requireAtLeast(producer, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxStateRecordBytes);
        this.deadLetters = new KafkaProducer<>(producer, new StringSerializer(), new ByteArraySerializer());
        this.statesWritten = Counter.builder("geokv.sink.states.written")
                .tag("region", region)
                .description("merged states written to the region's PostgreSQL")
                .register(meters);
        this.cacheFailures = Counter.builder("geokv.sink.cache.failures")
                .tag("region", region)
                .description("batches whose Redis update failed (PostgreSQL was still written)")
                .register(meters);

        Map<String, Object> props = new HashMap<>(consumerProperties);
        ClientSettings.require(
                props,
                ConsumerConfig.GROUP_ID_CONFIG,
                GeokvNames.sinkGroup(region),
                "the sink's group is geokv's own name");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        ClientSettings.require(
                props, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", "a new sink applies every merge");
        ClientSettings.require(
                props,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                "offsets are committed after PostgreSQL has the batch");
        ClientSettings.defaultTo(props, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);

        ContainerProperties containerProperties = new ContainerProperties(GeokvNames.materializedTopic(region));
        containerProperties.setAckMode(ContainerProperties.AckMode.BATCH);
        containerProperties.setPollTimeout(100);
        containerProperties.setMessageListener((BatchMessageListener<String, byte[]>) this::write);
        this.container =
                new KafkaMessageListenerContainer<>(new DefaultKafkaConsumerFactory<>(props), containerProperties);
        this.container.setBeanName("geokv-sink-" + region);
        this.container.setCommonErrorHandler(
                new DefaultErrorHandler(new FixedBackOff(retryBackoff.toMillis(), FixedBackOff.UNLIMITED_ATTEMPTS)));
    }

    /**
     * Starts consuming. The region's cache is first treated as stale (a sink that died after a failed
     * Redis write left no trace of it), and is emptied once Redis answers, retried every backoff.
     */
    public void start() {
        store.cache().markStale();
        cacheRepairs.scheduleWithFixedDelay(
                store.cache()::repairIfStale, 0, retryBackoff.toMillis(), TimeUnit.MILLISECONDS);
        container.start();
    }

    public void stop() {
        container.stop();
        cacheRepairs.shutdownNow();
        deadLetters.close(Duration.ofSeconds(5));
    }

    /** Stops consuming until {@link #resume()}; its consumer stays in its group. */
    public void pause() {
        container.pause();
    }

    public void resume() {
        container.resume();
    }

    public boolean isRunning() {
        return container.isRunning();
    }

    private void write(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, ConsumerRecord<String, byte[]>> sources = new HashMap<>();
        Map<String, MaterializedState> latest = new LinkedHashMap<>();
        LogPositions offsets = LogPositions.empty();
        for (ConsumerRecord<String, byte[]> record : records) {
            Optional<OriginHeaders.Origin> origin = OriginHeaders.read(record.headers());
            if (origin.isPresent()) {
                offsets = offsets.with(
                        new EventPartition(origin.get().topic(), origin.get().partition()),
                        origin.get().offset() + 1);
            }
            if (record.value() != null) {
                EventTopics.RecordKey key =
                        EventTopics.parseRecordKey(record.key()).orElseThrow();
                // Records of one key arrive in processing order, so the last one in a batch is the newest.
                latest.put(
                        record.key(),
                        new MaterializedState(key.tenant(), key.key(), KeyStateCodec.decode(record.value())));
                sources.put(record.key(), record);
            }
        }
        List<MaterializedState> states = new ArrayList<>(latest.values());
        try {
            store.writer().write(states, offsets);
        } catch (StoreException e) {
            if (e.isTransient()) {
                throw e;
            }
            log.warn(
                    "region {}: PostgreSQL refused a batch of {} states ({}); writing them one by one",
                    region,
                    states.size(),
                    e.getMessage());
            states = writeOneByOne(states, sources);
            store.writer().write(List.of(), offsets);
        }
        statesWritten.increment(states.size());
        try {
            store.cache().putAll(states);
        } catch (RuntimeException e) {
            cacheFailures.increment();
            log.warn(
                    "region {}: Redis update of {} states failed, reads fall back to PostgreSQL: {}",
                    region,
                    states.size(),
                    e.toString());
        }
    }

    /** Writes each state alone; dead-letters those refused for good. Returns the states written. */
    private List<MaterializedState> writeOneByOne(
            List<MaterializedState> states, Map<String, ConsumerRecord<String, byte[]>> sources) {
        List<MaterializedState> written = new ArrayList<>(states.size());
        for (MaterializedState state : states) {
            try {
                store.writer().write(List.of(state), LogPositions.empty());
                written.add(state);
            } catch (StoreException e) {
                if (e.isTransient()) {
                    throw e;
                }
                deadLetter(sources.get(EventTopics.recordKey(state.tenant(), state.key())), e.getMessage());
            }
        }
        return written;
    }

    /** Sent and acknowledged before the batch's offsets are committed, so that it is never lost. */
    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        log.error(
                "region {}: PostgreSQL refused the state of {} for good, dead-lettering it: {}",
                region,
                record.key(),
                reason);
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(
                OriginHeaders.ERROR_REASON,
                ("the region's PostgreSQL refused this merged state: " + reason).getBytes(StandardCharsets.UTF_8));
        headers.add(OriginHeaders.DEAD_LETTERED_BY, region.getBytes(StandardCharsets.UTF_8));
        try {
            deadLetters
                    .send(new ProducerRecord<>(
                            GeokvNames.DEAD_LETTER_TOPIC, null, record.key(), record.value(), headers))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering " + record.key(), e);
        } catch (ExecutionException | TimeoutException e) {
            // Retried with the whole batch: the state is not given up until it is in the dead-letter topic.
            throw new IllegalStateException("could not dead-letter the state of " + record.key(), e);
        }
        deadLettered.increment();
    }
}
