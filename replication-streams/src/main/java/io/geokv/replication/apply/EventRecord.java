package io.geokv.replication.apply;

import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.replication.apply.OriginHeaders.Origin;
import io.geokv.topics.RegionClusters;
import org.apache.kafka.common.header.Headers;

/**
 * One record of an event topic, as it was read: from the Streams application or, when a task reads
 * back what PostgreSQL missed, from a plain consumer.
 *
 * @param key the record key ({@code <tenant>/<key>}), null if the producer sent none
 * @param value the encoded event, null if the producer sent none
 * @param origin where it was read: topic, partition and offset in the region's own cluster
 * @param originOffset its offset in its topic's origin cluster: the offset it was read at, unless the
 *     topic is a mirrored copy, whose records carry it in a header ({@link #NO_ORIGIN_OFFSET} when a
 *     mirrored record does not)
 * @param withheldCopy whether it is the mirror's placeholder for an event this region may not hold
 *     (header {@value GeokvNames#WITHHELD_HEADER}); only a mirrored copy can be one, so that a record
 *     produced to its origin's topic cannot hide itself with the header
 */
record EventRecord(String key, byte[] value, Headers headers, Origin origin, long originOffset, boolean withheldCopy) {

    static final long NO_ORIGIN_OFFSET = -1;

    /**
     * @param mirrored whether the record's topic is a mirrored copy in the cluster it was read from
     */
    static EventRecord read(String key, byte[] value, Headers headers, Origin origin, boolean mirrored) {
        return mirrored
                ? new EventRecord(
                        key,
                        value,
                        headers,
                        origin,
                        mirroredOffset(headers),
                        headers.lastHeader(GeokvNames.WITHHELD_HEADER) != null)
                : new EventRecord(key, value, headers, origin, origin.offset(), false);
    }

    /** The origin offset the mirror stamped on a record, if it did. */
    private static long mirroredOffset(Headers headers) {
        return RegionClusters.stampedOriginOffset(headers).orElse(NO_ORIGIN_OFFSET);
    }

    /** The bytes it holds (key and value), as a batch counts them. */
    long size() {
        return (key == null ? 0 : key.length()) + (value == null ? 0 : value.length);
    }

    EventPartition partition() {
        return new EventPartition(origin.topic(), origin.partition());
    }

    boolean hasOriginOffset() {
        return originOffset != NO_ORIGIN_OFFSET;
    }
}
