package io.geokv.replication.apply;

import io.geokv.conflict.KeyLimits;
import io.geokv.event.EventTopics;
import io.geokv.event.EventValidator;
import io.geokv.event.KvEventCodec;
import io.geokv.event.KvEvents;
import io.geokv.event.avro.KvEvent;
import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.residency.Residency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Decodes and validates one event record, with the rules the gateway applies to what it writes
 * ({@link EventValidator}), so a record produced straight to Kafka is held to the same contract.
 * The same in every region: what it refuses, every region refuses. What differs by region is what it
 * skips under data residency ({@link Residency}): the region it checks for passes over the events of
 * tenants it may not hold, without decoding them.
 */
final class RecordCheck {

    private final String region;
    private final Residency residency;
    private final List<String> allRegions;
    private final int partitions;
    private final KeyLimits limits;
    private final ToIntFunction<String> partitionCounts;
    private final KvEventCodec codec = new KvEventCodec();

    /**
     * @param region the region whose replication reads the records
     * @param partitionCounts the current partition count of a topic, asked when a record is not in its key's partition
     */
    RecordCheck(
            String region,
            Residency residency,
            List<String> allRegions,
            int partitions,
            KeyLimits limits,
            ToIntFunction<String> partitionCounts) {
        this.region = region;
        this.residency = residency;
        this.allRegions = List.copyOf(allRegions);
        this.partitions = partitions;
        this.limits = limits;
        this.partitionCounts = partitionCounts;
    }

    /**
     * {@link #check} of a record read in log order, unless it is a copy the mirror sent again: its
     * origin offset is below {@code originNext}'s for its partition (dots are counted per key in log
     * order, so folding it would count it twice). A checked record moves {@code originNext} past it.
     */
    CheckedRecord checkInOrder(EventRecord record, Map<EventPartition, Long> originNext) {
        EventPartition partition = record.partition();
        if (record.hasOriginOffset() && record.originOffset() < originNext.getOrDefault(partition, 0L)) {
            return CheckedRecord.repeated(
                    record, GeokvNames.regionOfEventTopic(partition.topic()).orElseThrow());
        }
        if (record.hasOriginOffset()) {
            originNext.put(partition, record.originOffset() + 1);
        }
        return check(record);
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
        if (record.withheldCopy()) {
            return CheckedRecord.withheld(record, topicRegion);
        }
        if (record.key() == null) {
            return CheckedRecord.refused(record, topicRegion, "record key is missing; it must be <tenant>/<key>");
        }
        // Without resident tenants (the usual case) nothing to parse for: this runs for every event.
        String tenant = residency.residentTenants().isEmpty()
                ? null
                : EventTopics.parseRecordKey(record.key())
                        .map(EventTopics.RecordKey::tenant)
                        .orElse(null);
        if (tenant != null && residency.isResident(tenant)) {
            if (!residency.holds(topicRegion, tenant)) {
                // Written in a region that may not hold it: no region folds it, its owner dead-letters it.
                return CheckedRecord.refused(
                        record,
                        topicRegion,
                        "tenant '" + tenant + "' keeps its data in " + residency.regionsOf(tenant, allRegions)
                                + " (data residency): its events may not be written to " + topicRegion
                                + "'s event topic");
            }
            if (!residency.holds(region, tenant)) {
                return CheckedRecord.withheld(record, topicRegion);
            }
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
