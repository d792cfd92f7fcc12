package io.geokv.mirror;

import io.geokv.naming.GeokvNames;
import io.geokv.position.OriginOffset;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * A MirrorMaker 2 transform that stamps every mirrored geokv event with its offset in its origin
 * cluster, as header {@value GeokvNames#ORIGIN_OFFSET_HEADER} ({@link OriginOffset}: 8 bytes, big-endian).
 *
 * <p>Why: a mirrored record gets an offset of its own in the cluster it is mirrored to, so the same
 * event sits at different offsets in different regions' clusters. Positions that must mean the same
 * in every region (a session token, a strong write's wait, replay completion, lag) are expressed in
 * the origin's coordinates: the topic and partition (the same everywhere, under MirrorMaker 2's
 * {@code IdentityReplicationPolicy}, which keeps partition numbers) and this offset. MirrorMaker 2
 * carries it already: its source task gives each record the source offset it read it at ({@code
 * SourceRecord#sourceOffset()}, key {@code offset}), which this transform copies into a header the
 * consumers of the mirrored topic can read.
 *
 * <p>Invariants (checked by {@code OriginOffsetHeaderTest}):
 * <ul>
 *   <li>records of topics that are not geokv event topics (MirrorMaker 2's heartbeats and
 *       checkpoints) pass unchanged;
 *   <li>an event that already carries an origin offset keeps it: it was mirrored before, and only
 *       the first hop read it in its origin cluster;
 *   <li>an event without a source offset is refused loudly (a {@link DataException} fails the mirror
 *       task): a mirrored event without its origin position would be applied in coordinates no
 *       other region shares.
 * </ul>
 */
public final class OriginOffsetHeader implements Transformation<SourceRecord> {

    /** The key under which MirrorMaker 2's source task stores a record's offset in its source cluster. */
    static final String SOURCE_OFFSET_KEY = "offset";

    @Override
    public SourceRecord apply(SourceRecord record) {
        if (GeokvNames.regionOfEventTopic(record.topic()).isEmpty()) {
            return record;
        }
        Headers headers = record.headers();
        if (headers.lastWithName(GeokvNames.ORIGIN_OFFSET_HEADER) != null) {
            return record;
        }
        headers.addBytes(GeokvNames.ORIGIN_OFFSET_HEADER, OriginOffset.encode(sourceOffset(record)));
        return record;
    }

    private static long sourceOffset(SourceRecord record) {
        Map<String, ?> offset = record.sourceOffset();
        Object value = offset == null ? null : offset.get(SOURCE_OFFSET_KEY);
        if (value instanceof Number number) {
            return number.longValue();
        }
        throw new DataException("a record of " + record.topic() + " partition " + record.kafkaPartition()
                + " has no source offset (" + offset + "): mirror geokv's event topics with MirrorMaker 2's"
                + " MirrorSourceConnector, which records one for every record");
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public void configure(Map<String, ?> configs) {}

    @Override
    public void close() {}
}
