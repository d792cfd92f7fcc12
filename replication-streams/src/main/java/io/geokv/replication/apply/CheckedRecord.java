package io.geokv.replication.apply;

import io.geokv.conflict.Write;
import java.util.Optional;

/**
 * An event record after decoding and validation: the write it carries, why it is refused, or that it
 * is a mirrored copy of a record already applied.
 *
 * @param topicRegion the region whose event topic the record is in
 * @param write the decoded write, null when refused or repeated
 * @param rejection why the record is refused, null when valid or repeated
 * @param repeated whether the mirror delivered this origin record before (it re-sends a range after a
 *     restart): it is never folded again, since dots are counted per key in log order
 */
record CheckedRecord(EventRecord source, String topicRegion, Write write, String rejection, boolean repeated) {

    static CheckedRecord valid(EventRecord source, String topicRegion, Write write) {
        return new CheckedRecord(source, topicRegion, write, null, false);
    }

    static CheckedRecord refused(EventRecord source, String topicRegion, String rejection) {
        return new CheckedRecord(source, topicRegion, null, rejection, false);
    }

    static CheckedRecord repeated(EventRecord source, String topicRegion) {
        return new CheckedRecord(source, topicRegion, null, null, true);
    }

    Optional<String> rejectionReason() {
        return Optional.ofNullable(rejection);
    }
}
