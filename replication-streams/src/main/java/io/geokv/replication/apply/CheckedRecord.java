package io.geokv.replication.apply;

import io.geokv.conflict.Write;
import java.util.Optional;

/**
 * An event record after decoding and validation: the write it carries, why it is refused, or that
 * the region skips it.
 *
 * @param topicRegion the region whose event topic the record is in
 * @param write the decoded write, null when refused or skipped
 * @param rejection why the record is refused, null when valid or skipped
 * @param skipped whether the region passes over the record, folding nothing, though it counts as read:
 *     a mirrored copy of an origin record delivered before (the mirror re-sends a range after a
 *     restart; dots are counted per key in log order, so it is never folded again), or an event of a
 *     tenant whose data this region may not hold (data residency)
 */
record CheckedRecord(EventRecord source, String topicRegion, Write write, String rejection, boolean skipped) {

    static CheckedRecord valid(EventRecord source, String topicRegion, Write write) {
        return new CheckedRecord(source, topicRegion, write, null, false);
    }

    static CheckedRecord refused(EventRecord source, String topicRegion, String rejection) {
        return new CheckedRecord(source, topicRegion, null, rejection, false);
    }

    static CheckedRecord repeated(EventRecord source, String topicRegion) {
        return new CheckedRecord(source, topicRegion, null, null, true);
    }

    /** An event of a tenant resident elsewhere, or the mirror's placeholder for one. */
    static CheckedRecord withheld(EventRecord source, String topicRegion) {
        return new CheckedRecord(source, topicRegion, null, null, true);
    }

    Optional<String> rejectionReason() {
        return Optional.ofNullable(rejection);
    }
}
