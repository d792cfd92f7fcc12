package io.geokv.gateway.events;

import io.geokv.conflict.KeyLimits;
import io.geokv.event.EventValidator;
import io.geokv.event.KvEventCodec;
import io.geokv.event.avro.KvEvent;
import io.geokv.naming.GeokvNames;
import io.geokv.residency.Residency;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a region's replication applies as a write, for the gateway's readers of the log (the change
 * feed, reads of the past): a record is one if it decodes, keeps the event rules, is no residency
 * placeholder, and is not a resident tenant's write in a region outside its own (refused everywhere).
 * Deduplicating copies and refusing contexts that claim their own write are the readers' own.
 */
public final class AppliedEvents {

    private final List<String> regions;
    private final KeyLimits limits;
    private final Residency residency;

    public AppliedEvents(List<String> regions, KeyLimits limits, Residency residency) {
        this.regions = List.copyOf(regions);
        this.limits = limits;
        this.residency = residency;
    }

    /**
     * The record's event, if replication applies it.
     *
     * @param tenant the tenant of its record key
     * @param recordKey its record key, {@code <tenant>/<key>}
     */
    public Optional<KvEvent> write(ConsumerRecord<byte[], byte[]> record, String tenant, String recordKey) {
        if (record.value() == null || record.headers().lastHeader(GeokvNames.WITHHELD_HEADER) != null) {
            return Optional.empty();
        }
        String topicRegion = GeokvNames.regionOfEventTopic(record.topic()).orElseThrow();
        if (residency.isResident(tenant) && !residency.holds(topicRegion, tenant)) {
            return Optional.empty();
        }
        try {
            KvEvent event = KvEventCodec.shared().decode(record.value());
            return EventValidator.violation(event, topicRegion, recordKey, limits.maxValueBytes(), regions)
                            .isPresent()
                    ? Optional.empty()
                    : Optional.of(event);
        } catch (RuntimeException e) {
            return Optional.empty(); // undecodable: dead-lettered by the region that owns the topic
        }
    }
}
