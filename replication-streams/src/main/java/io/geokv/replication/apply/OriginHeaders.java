package io.geokv.replication.apply;

import io.geokv.naming.GeokvNames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Headers of a dead letter that say which origin record it is (topic, partition, offset: also its
 * identity, since a dead letter can be sent again after a crash) and why it was refused.
 */
public final class OriginHeaders {

    public static final String TOPIC = "geokv.origin.topic";
    public static final String PARTITION = "geokv.origin.partition";
    public static final String OFFSET = GeokvNames.ORIGIN_OFFSET_HEADER;
    public static final String TIMESTAMP = "geokv.origin.timestamp";
    public static final String ERROR_REASON = "geokv.error.reason";
    public static final String DEAD_LETTERED_BY = "geokv.error.region";

    private OriginHeaders() {}

    public record Origin(String topic, int partition, long offset, long timestamp) {}

    public static void write(Headers headers, Origin origin) {
        headers.remove(TOPIC).remove(PARTITION).remove(OFFSET).remove(TIMESTAMP);
        headers.add(TOPIC, origin.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(
                PARTITION,
                ByteBuffer.allocate(Integer.BYTES).putInt(origin.partition()).array());
        headers.add(
                OFFSET, ByteBuffer.allocate(Long.BYTES).putLong(origin.offset()).array());
        headers.add(
                TIMESTAMP,
                ByteBuffer.allocate(Long.BYTES).putLong(origin.timestamp()).array());
    }

    public static Optional<Origin> read(Headers headers) {
        Header topic = headers.lastHeader(TOPIC);
        Header partition = headers.lastHeader(PARTITION);
        Header offset = headers.lastHeader(OFFSET);
        Header timestamp = headers.lastHeader(TIMESTAMP);
        if (topic == null || partition == null || offset == null || timestamp == null) {
            return Optional.empty();
        }
        return Optional.of(new Origin(
                new String(topic.value(), StandardCharsets.UTF_8),
                ByteBuffer.wrap(partition.value()).getInt(),
                ByteBuffer.wrap(offset.value()).getLong(),
                ByteBuffer.wrap(timestamp.value()).getLong()));
    }
}
