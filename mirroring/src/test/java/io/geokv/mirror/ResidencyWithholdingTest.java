package io.geokv.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.geokv.naming.GeokvNames;
import io.geokv.position.OriginOffset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class ResidencyWithholdingTest {

    private final ResidencyWithholding transform = withholding("bank,globex");

    private static ResidencyWithholding withholding(String tenants) {
        ResidencyWithholding transform = new ResidencyWithholding();
        transform.configure(Map.of(ResidencyWithholding.TENANTS, tenants));
        return transform;
    }

    @Test
    void aWithheldTenantsEventBecomesAPlaceholderThatKeepsOnlyItsPlaceInTheOriginsLog() {
        SourceRecord event = record(GeokvNames.eventTopic("eu-west"), "bank/account-7", "balance: 100");
        event.headers().addString("trace-id", "t-1");
        SourceRecord stamped = new OriginOffsetHeader().apply(event);

        SourceRecord placeholder = transform.apply(stamped);

        assertThat(placeholder.key()).isNull();
        assertThat(placeholder.value()).isNull();
        assertThat(placeholder.headers())
                .extracting(Header::key)
                .containsExactly(GeokvNames.ORIGIN_OFFSET_HEADER, GeokvNames.WITHHELD_HEADER);
        assertThat(OriginOffset.decode((byte[]) placeholder
                                .headers()
                                .lastWithName(GeokvNames.ORIGIN_OFFSET_HEADER)
                                .value())
                        .orElseThrow())
                .isEqualTo(41L);
        assertThat(placeholder.topic()).isEqualTo(event.topic());
        assertThat(placeholder.kafkaPartition()).isEqualTo(event.kafkaPartition());
        assertThat(placeholder.timestamp()).isEqualTo(event.timestamp());
        // MirrorMaker 2 commits its progress with these.
        assertThat(placeholder.sourcePartition()).isEqualTo(event.sourcePartition());
        assertThat(placeholder.sourceOffset()).isEqualTo(event.sourceOffset());
    }

    @Test
    void otherTenantsEventsAndOtherTopicsPassUnchanged() {
        for (SourceRecord untouched : List.of(
                record(GeokvNames.eventTopic("eu-west"), "acme/bank/account-7", "v"),
                record(GeokvNames.eventTopic("eu-west"), "banking/k", "v"),
                record("heartbeats", "bank/k", "v"))) {
            assertThat(transform.apply(untouched)).isSameAs(untouched);
        }
        SourceRecord event = record(GeokvNames.eventTopic("eu-west"), "bank/k", "v");
        assertThat(withholding("").apply(event)).isSameAs(event);
        SourceRecord keyless = record(GeokvNames.eventTopic("eu-west"), "k", "v")
                .newRecord(
                        GeokvNames.eventTopic("eu-west"),
                        2,
                        Schema.OPTIONAL_BYTES_SCHEMA,
                        null,
                        Schema.OPTIONAL_BYTES_SCHEMA,
                        null,
                        1L);
        assertThat(transform.apply(keyless)).as("a record without a key").isSameAs(keyless);
    }

    private static SourceRecord record(String topic, String key, String value) {
        return new SourceRecord(
                Map.of("cluster", "eu-west", "topic", topic, "partition", 2),
                Map.of("offset", 41L),
                topic,
                2,
                Schema.OPTIONAL_BYTES_SCHEMA,
                key.getBytes(StandardCharsets.UTF_8),
                Schema.OPTIONAL_BYTES_SCHEMA,
                value.getBytes(StandardCharsets.UTF_8),
                1_700_000_000_000L);
    }
}
