package io.geokv.gateway.events;

import io.geokv.event.EventTopics;
import io.geokv.event.KvEventSerializer;
import io.geokv.event.avro.KvEvent;
import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.progress.AcknowledgedWrites;
import io.geokv.topics.ClientSettings;
import io.geokv.topics.RegionClusters;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Puts events on their origin region's topic. A write is acknowledged only once Kafka has it on
 * every in-sync replica (acks=all, idempotent), so an acknowledged write survives a broker restart.
 */
public final class EventPublisher implements AutoCloseable {

    private final RegionClusters.PerCluster<Producer<String, KvEvent>> producers;
    private final Set<String> topicsWithMetadata = ConcurrentHashMap.newKeySet();
    private final AcknowledgedWrites acknowledged;
    private final Duration lastAppendBound;

    /**
     * @param producerBase the user's producer settings
     * @param clusters where each region's log is: an event goes to its origin region's cluster
     * @param acknowledged told of every event Kafka acknowledged
     */
    public EventPublisher(
            Map<String, Object> producerBase,
            RegionClusters clusters,
            Duration writeTimeout,
            AcknowledgedWrites acknowledged) {
        this.acknowledged = acknowledged;
        Map<String, Object> props = new HashMap<>(producerBase);
        ClientSettings.require(
                props, ProducerConfig.ACKS_CONFIG, "all", "an acknowledged write survives a broker loss");
        ClientSettings.require(
                props, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, "a retried send is not a second event");
        ClientSettings.defaultTo(props, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Under load, writes share batches (one request per partition every few ms instead of one per
        // write); an idle gateway waits at most the linger for a write's batch to fill.
        ClientSettings.defaultTo(props, ProducerConfig.LINGER_MS_CONFIG, 5);
        ClientSettings.defaultTo(props, ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        // Bound every way a send can wait, so an unreachable Kafka turns into a quick 503, not a hang.
        // The defaults follow geokv.gateway.write-timeout; whatever the user set instead is what the
        // bound below is computed from.
        int timeoutMs = (int) writeTimeout.toMillis();
        int requestTimeoutMs = Math.min(timeoutMs, 30_000);
        ClientSettings.defaultTo(props, ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        ClientSettings.defaultTo(props, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs);
        ClientSettings.defaultTo(
                props, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(timeoutMs, requestTimeoutMs + 5));
        long maxBlockMs = ClientSettings.millis(props, ProducerConfig.MAX_BLOCK_MS_CONFIG);
        long requestMs = ClientSettings.millis(props, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        long deliveryMs = ClientSettings.millis(props, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
        // A send may wait for metadata (max.block.ms), then its batch is retried until the delivery
        // timeout, and the last attempt may still be appended until its request times out.
        this.lastAppendBound = Duration.ofMillis(maxBlockMs + deliveryMs + requestMs);
        // The region topics are few and always written: never let their metadata expire for idleness
        // (a send would then block on fetching it again).
        ClientSettings.defaultTo(props, ProducerConfig.METADATA_MAX_IDLE_CONFIG, (int)
                Duration.ofDays(7).toMillis());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, KvEventSerializer.class);
        this.producers = clusters.open(props, KafkaProducer::new);
    }

    /**
     * How long after {@link #publish} is called its event can still be appended to the log, whether
     * or not this process is still alive to see it: past this bound an event it never saw
     * acknowledged will not appear.
     */
    public Duration lastAppendBound() {
        return lastAppendBound;
    }

    /** Completes with where the event landed once Kafka acknowledged it, or errors. */
    public Mono<RecordMetadata> publish(KvEvent event) {
        ProducerRecord<String, KvEvent> record = new ProducerRecord<>(
                GeokvNames.eventTopic(event.getOriginRegion()),
                EventTopics.recordKey(event.getTenant(), event.getKey()),
                event);
        Mono<RecordMetadata> send = Mono.defer(() -> {
            CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
            producers.of(event.getOriginRegion()).send(record, (metadata, error) -> {
                if (error != null) {
                    // Kafka may be away: later sends go off the event loop again until one succeeds.
                    topicsWithMetadata.remove(record.topic());
                    acked.completeExceptionally(error);
                } else {
                    topicsWithMetadata.add(record.topic());
                    acknowledged.acknowledged(
                            new EventPartition(metadata.topic(), metadata.partition()),
                            metadata.offset(),
                            metadata.timestamp());
                    acked.complete(metadata);
                }
            });
            // The callback runs on the producer's one network thread: what follows the acknowledgement
            // (tokens, the answer, a strong write's wait) runs elsewhere, so it never delays other sends.
            return Mono.fromFuture(acked).publishOn(Schedulers.parallel());
        });
        // send() blocks (up to max.block.ms) only while the topic's metadata is unknown: until then it
        // runs off the event loop. Afterwards it only appends to the producer's buffer, and a thread
        // hand-off per write would cost more than the send itself.
        return topicsWithMetadata.contains(record.topic()) ? send : send.subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public void close() {
        producers.clients().forEach(producer -> producer.close(Duration.ofSeconds(5)));
    }
}
