package io.geokv.replication.apply;

import io.geokv.position.EventPartition;
import io.geokv.replication.apply.OriginHeaders.Origin;
import org.apache.kafka.common.header.Headers;

/**
 * One record of an event topic, as it was read: from the Streams application or, when a task reads
 * back what PostgreSQL missed, from a plain consumer.
 *
 * @param key the record key ({@code <tenant>/<key>}), null if the producer sent none
 * @param value the encoded event, null if the producer sent none
 */
record EventRecord(String key, byte[] value, Headers headers, Origin origin) {

    /** The bytes it holds (key and value), as a batch counts them. */
    long size() {
        return (key == null ? 0 : key.length()) + (value == null ? 0 : value.length);
    }

    EventPartition partition() {
        return new EventPartition(origin.topic(), origin.partition());
    }
}
