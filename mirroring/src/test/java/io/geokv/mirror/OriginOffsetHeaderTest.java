package io.geokv.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.naming.GeokvNames;
import io.geokv.position.OriginOffset;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class OriginOffsetHeaderTest {

    private final OriginOffsetHeader transform = new OriginOffsetHeader();

    @Test
    void stampsAMirroredEventWithItsOffsetInItsOriginCluster() {
        SourceRecord mirrored = transform.apply(record(GeokvNames.eventTopic("us-east"), Map.of("offset", 41L)));

        assertThat(originOffset(mirrored)).isEqualTo(41L);
    }

    @Test
    void leavesMirrorMakersOwnRecordsAlone() {
        SourceRecord heartbeat = transform.apply(record("heartbeats", Map.of("offset", 7L)));

        assertThat(heartbeat.headers().lastWithName(GeokvNames.ORIGIN_OFFSET_HEADER))
                .isNull();
    }

    @Test
    void keepsTheOriginOffsetOfAnEventMirroredBefore() {
        SourceRecord twice = record(GeokvNames.eventTopic("us-east"), Map.of("offset", 900L));
        twice.headers().addBytes(GeokvNames.ORIGIN_OFFSET_HEADER, OriginOffset.encode(12L));

        assertThat(originOffset(transform.apply(twice))).isEqualTo(12L);
    }

    @Test
    void refusesAnEventWithoutASourceOffset() {
        SourceRecord unknown = record(GeokvNames.eventTopic("eu-west"), null);

        assertThatThrownBy(() -> transform.apply(unknown))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("no source offset");
    }

    private static SourceRecord record(String topic, Map<String, ?> sourceOffset) {
        return new SourceRecord(
                Map.of("cluster", "us-east", "topic", topic, "partition", 2),
                sourceOffset,
                topic,
                2,
                Schema.OPTIONAL_BYTES_SCHEMA,
                "t/k".getBytes(),
                Schema.OPTIONAL_BYTES_SCHEMA,
                new byte[] {1, 2, 3});
    }

    private static long originOffset(SourceRecord record) {
        Header header = record.headers().lastWithName(GeokvNames.ORIGIN_OFFSET_HEADER);
        assertThat(header).isNotNull();
        return ByteBuffer.wrap((byte[]) header.value()).getLong();
    }
}
