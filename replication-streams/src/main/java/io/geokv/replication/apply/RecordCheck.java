package io.geokv.replication.apply;

import io.geokv.conflict.KeyLimits;
import io.geokv.event.EventTopics;
import io.geokv.event.EventValidator;
import io.geokv.event.KvEventCodec;
import io.geokv.event.KvEvents;
import io.geokv.event.avro.KvEvent;
import io.geokv.naming.GeokvNames;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Decodes and validates one event record, with the rules the gateway applies to what it writes
 * ({@link EventValidator}), so a record produced straight to Kafka is held to the same contract.
 * The same in every region: what it refuses, every region refuses.
 */
final class RecordCheck {

    private final List<String> allRegions;
    private final int partitions;
    private final KeyLimits limits;
    private final ToIntFunction<String> partitionCounts;
    private final KvEventCodec codec = new KvEventCodec();

    /** @param partitionCounts the current partition count of a topic, asked when a record is not in its key's partition */
    RecordCheck(List<String> allRegions, int partitions, KeyLimits limits, ToIntFunction<String> partitionCounts) {
        this.allRegions = List.copyOf(allRegions);
        this.partitions = partitions;
        this.limits = limits;
        this.partitionCounts = partitionCounts;
    }

    /** @throws PartitionCountChangedException when the record's topic no longer has the configured partition count */
    CheckedRecord check(EventRecord record) {
        String topic = record.origin().topic();
        String topicRegion = GeokvNames.regionOfEventTopic(topic).orElseThrow();
        if (!record.hasOriginOffset()) {
            // Without it, the record's place in its origin's log is unknown: it cannot be told apart
            // from a copy of a record already applied, nor give positions in the origin's coordinates.
            return CheckedRecord.refused(
                    record,
                    topicRegion,
                    "record of a mirrored topic without its origin offset (header " + GeokvNames.ORIGIN_OFFSET_HEADER
                            + "): it was not mirrored from " + topicRegion
                            + "'s cluster; produce events to their region's own cluster");
        }
        if (record.key() == null) {
            return CheckedRecord.refused(record, topicRegion, "record key is missing; it must be <tenant>/<key>");
        }
        int expected = EventTopics.partitionOf(record.key(), partitions);
        if (expected != record.origin().partition()) {
            // Dots are counted in log order per origin and key: that only holds if all of a key's
            // events from one origin share a partition, which the default partitioner guarantees.
            // Unless the topic itself was repartitioned: then every later write lands like this one.
            int actual = partitionCounts.applyAsInt(topic);
            if (actual != partitions) {
                throw new PartitionCountChangedException(topic, actual, partitions);
            }
            return CheckedRecord.refused(
                    record,
                    topicRegion,
                    "record is in partition " + record.origin().partition() + " but key '" + record.key()
                            + "' belongs in partition " + expected + "; produce with the default partitioner");
        }
        if (record.value() == null) {
            return CheckedRecord.refused(
                    record, topicRegion, "record value is missing; deletes are events with a null value field");
        }
        KvEvent event;
        try {
            event = codec.decode(record.value());
        } catch (SerializationException e) {
            return CheckedRecord.refused(record, topicRegion, "undecodable event: " + e.getMessage());
        }
        Optional<String> violation =
                EventValidator.violation(event, topicRegion, record.key(), limits.maxValueBytes(), allRegions);
        return violation
                .map(reason -> CheckedRecord.refused(record, topicRegion, reason))
                .orElseGet(() -> CheckedRecord.valid(record, topicRegion, KvEvents.toWrite(event)));
    }
}
