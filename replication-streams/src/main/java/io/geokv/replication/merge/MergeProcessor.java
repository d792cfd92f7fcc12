package io.geokv.replication.merge;

import io.geokv.conflict.KeyLimits;
import io.geokv.conflict.KeyState;
import io.geokv.conflict.KeyStateCodec;
import io.geokv.conflict.Write;
import io.geokv.event.EventTopics;
import io.geokv.event.EventValidator;
import io.geokv.event.KvEventCodec;
import io.geokv.event.KvEvents;
import io.geokv.event.avro.KvEvent;
import io.geokv.naming.GeokvNames;
import io.geokv.replication.merge.OriginHeaders.Origin;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds one event into its key's merged state. All the conflict semantics live in {@link KeyState};
 * this class only decodes, validates, loads, stores and forwards.
 *
 * <p>Every input record produces one record on the materialized topic, even when it changed nothing
 * or was dead-lettered (then with a null value): the sink uses them to advance the region's applied
 * offsets, so a region that has applied everything reports zero lag.
 */
final class MergeProcessor implements Processor<String, byte[], String, byte[]> {

    private static final Logger log = LoggerFactory.getLogger(MergeProcessor.class);

    private final String region;
    private final List<String> allRegions;
    private final int partitions;
    private final KeyLimits limits;
    private final Counter siblingWarnings;
    private final ToIntFunction<String> partitionCounts;
    private final KvEventCodec codec = new KvEventCodec();
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> states;

    /**
     * @param siblingWarnings counts states that keep more than {@link KeyLimits#warnSiblings()} siblings
     * @param partitionCounts the current partition count of a topic, asked when a record is not in its key's partition
     */
    MergeProcessor(
            String region,
            List<String> allRegions,
            int partitions,
            KeyLimits limits,
            Counter siblingWarnings,
            ToIntFunction<String> partitionCounts) {
        this.region = region;
        this.allRegions = allRegions;
        this.partitions = partitions;
        this.limits = limits;
        this.siblingWarnings = siblingWarnings;
        this.partitionCounts = partitionCounts;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.states = context.getStateStore(MergeTopology.STATE_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata metadata = context.recordMetadata().orElseThrow();
        Origin origin = new Origin(metadata.topic(), metadata.partition(), metadata.offset(), record.timestamp());
        String topicRegion = GeokvNames.regionOfEventTopic(metadata.topic()).orElseThrow();

        Optional<String> rejection;
        KvEvent event = null;
        if (record.key() == null) {
            rejection = Optional.of("record key is missing; it must be <tenant>/<key>");
        } else if (defaultPartition(record.key()) != metadata.partition()) {
            // Dots are counted in log order per origin and key: that only holds if all of a key's
            // events from one origin share a partition, which the default partitioner guarantees.
            // Unless the topic itself was repartitioned: then every later write lands like this one.
            int actual = partitionCounts.applyAsInt(metadata.topic());
            if (actual != partitions) {
                throw new PartitionCountChangedException(metadata.topic(), actual, partitions);
            }
            rejection = Optional.of("record is in partition " + metadata.partition() + " but key '" + record.key()
                    + "' belongs in partition " + defaultPartition(record.key())
                    + "; produce with the default partitioner");
        } else if (record.value() == null) {
            rejection = Optional.of("record value is missing; deletes are events with a null value field");
        } else {
            try {
                event = codec.decode(record.value());
                rejection =
                        EventValidator.violation(event, topicRegion, record.key(), limits.maxValueBytes(), allRegions);
            } catch (SerializationException e) {
                rejection = Optional.of("undecodable event: " + e.getMessage());
            }
        }
        if (rejection.isPresent()) {
            deadLetter(record, origin, topicRegion, rejection.get());
            return;
        }

        byte[] stored = states.get(record.key());
        KeyState before = stored == null ? KeyState.empty() : KeyStateCodec.decode(stored);
        Write write = KvEvents.toWrite(event);
        Optional<String> causality = before.causalityViolation(write);
        if (causality.isPresent()) {
            deadLetter(record, origin, topicRegion, causality.get());
            return;
        }
        KeyState after = before.receive(write, limits.siblingsPerOrigin());
        byte[] encoded = KeyStateCodec.encode(after);
        if (!after.equals(before)) {
            states.put(record.key(), encoded);
            if (after.siblings().size() > limits.warnSiblings()) {
                siblingWarnings.increment();
                log.debug(
                        "key {} keeps {} siblings (warning above {})",
                        record.key(),
                        after.siblings().size(),
                        limits.warnSiblings());
            }
        }
        forwardMaterialized(record.key(), encoded, origin);
    }

    private void deadLetter(Record<String, byte[]> record, Origin origin, String topicRegion, String reason) {
        // Every region reads every topic; only the region that owns the topic dead-letters, so each
        // bad event lands in the dead-letter topic once.
        if (topicRegion.equals(region)) {
            log.warn("dead-lettering {}-{}@{}: {}", origin.topic(), origin.partition(), origin.offset(), reason);
            RecordHeaders headers = new RecordHeaders(record.headers().toArray());
            OriginHeaders.write(headers, origin);
            headers.add(OriginHeaders.ERROR_REASON, reason.getBytes(StandardCharsets.UTF_8));
            headers.add(OriginHeaders.DEAD_LETTERED_BY, region.getBytes(StandardCharsets.UTF_8));
            context.forward(
                    new Record<>(record.key(), record.value(), record.timestamp(), headers),
                    MergeTopology.DEAD_LETTER_SINK);
        }
        forwardMaterialized(progressKey(origin.partition()), null, origin);
    }

    /**
     * A key whose default partition is {@code partition}: a progress marker must reach the sink in
     * order with that partition's states, whatever key (or none) the bad record had.
     */
    private String progressKey(int partition) {
        for (int n = 0; ; n++) {
            String candidate = "geokv-progress-" + n;
            if (defaultPartition(candidate) == partition) {
                return candidate;
            }
        }
    }

    private int defaultPartition(String key) {
        return EventTopics.partitionOf(key, partitions);
    }

    private void forwardMaterialized(String key, byte[] state, Origin origin) {
        RecordHeaders headers = new RecordHeaders();
        OriginHeaders.write(headers, origin);
        // The record's own timestamp is when it was made, not the origin's (which is in the headers):
        // replaying old history must not write records that time retention deletes before the sink reads them.
        context.forward(
                new Record<>(key, state, context.currentSystemTimeMs(), headers), MergeTopology.MATERIALIZED_SINK);
    }
}
