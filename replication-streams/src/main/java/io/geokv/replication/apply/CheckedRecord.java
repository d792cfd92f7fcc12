package io.geokv.replication.apply;

import io.geokv.conflict.Write;
import java.util.Optional;

/**
 * An event record after decoding and validation: either the write it carries or why it is refused.
 *
 * @param topicRegion the region whose event topic the record is in
 * @param write the decoded write, null when refused
 * @param rejection why the record is refused, null when valid
 */
record CheckedRecord(EventRecord source, String topicRegion, Write write, String rejection) {

    static CheckedRecord valid(EventRecord source, String topicRegion, Write write) {
        return new CheckedRecord(source, topicRegion, write, null);
    }

    static CheckedRecord refused(EventRecord source, String topicRegion, String rejection) {
        return new CheckedRecord(source, topicRegion, null, rejection);
    }

    Optional<String> rejectionReason() {
        return Optional.ofNullable(rejection);
    }
}
