package io.geokv.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.conflict.VersionVector;
import io.geokv.conflict.Write;
import io.geokv.event.avro.CausalContext;
import io.geokv.event.avro.KvEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KvEventsTest {

    private static final VersionVector CONTEXT = VersionVector.of(Map.of("us-east", 3L, "eu-west", 7L));

    @Test
    void newEventFillsEveryField() {
        byte[] value = "v".getBytes(StandardCharsets.UTF_8);
        KvEvent e = KvEvents.newEvent("e1", "acme", "k", value, "text/plain", "us-east", CONTEXT, 42L);
        value[0] = 'X'; // the event keeps its own copy

        assertThat(e.getEventId()).isEqualTo("e1");
        assertThat(e.getTenant()).isEqualTo("acme");
        assertThat(e.getKey()).isEqualTo("k");
        assertThat(KvEvents.valueBytes(e)).containsExactly('v');
        assertThat(e.getContentType()).isEqualTo("text/plain");
        assertThat(e.getOriginRegion()).isEqualTo("us-east");
        assertThat(e.getContext().getEntries())
                .extracting(c -> c.getRegion() + "=" + c.getCounter())
                .containsExactly("eu-west=7", "us-east=3");
        assertThat(e.getOriginTimestamp()).isEqualTo(42L);
        assertThat(e.getSchemaVersion()).isEqualTo(1);
        assertThat(e.getExpiresAt()).isNull();
        assertThat(EventValidator.violation(e, "us-east", "acme/k", 1024, java.util.List.of("us-east", "eu-west")))
                .isEmpty();
    }

    @Test
    void anExpiringEventCarriesItsExpiryToTheModel() {
        KvEvent e = KvEvents.newEvent("e1", "acme", "k", new byte[] {1}, null, "us-east", CONTEXT, 42L, 5_000L);

        assertThat(e.getSchemaVersion()).isEqualTo(KvEvents.CURRENT_SCHEMA_VERSION);
        assertThat(e.getExpiresAt()).isEqualTo(5_000L);
        assertThat(KvEvents.toWrite(e).expiresAt()).isEqualTo(5_000L);
        assertThat(EventValidator.violation(e, "us-east", "acme/k", 1024, java.util.List.of("us-east", "eu-west")))
                .isEmpty();
        e.setExpiresAt(0L);
        assertThat(EventValidator.violation(e, "us-east", "acme/k", 1024, java.util.List.of("us-east", "eu-west")))
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("expiresAt: "));
    }

    @Test
    void newDeleteWithDefaults() {
        KvEvent e = KvEvents.newEvent("e2", "acme", "k", null, null, "eu-west", null, 1L);

        assertThat(e.getValue()).isNull();
        assertThat(e.getContentType()).isEqualTo("application/octet-stream");
        assertThat(e.getContext().getEntries()).isEmpty();
    }

    @Test
    void toWriteCarriesEverything() {
        KvEvent e =
                KvEvents.newEvent("e1", "acme", "k", new byte[] {1, 2, 3}, "application/x", "us-east", CONTEXT, 99L);

        Write w = KvEvents.toWrite(e);

        assertThat(w).isEqualTo(new Write("e1", "us-east", CONTEXT, new byte[] {1, 2, 3}, "application/x", 99L));
        assertThat(w.isDelete()).isFalse();
    }

    @Test
    void toWriteOfADecodedDelete() {
        KvEventCodec codec = new KvEventCodec();
        KvEvent decoded = codec.decode(codec.encode(TestEvents.delete()));

        Write w = KvEvents.toWrite(decoded);

        assertThat(w.isDelete()).isTrue();
        assertThat(w.context()).isEqualTo(VersionVector.of(Map.of("us-east", 4L)));
    }

    @Test
    void toWriteDoesNotMoveTheEventsBuffer() {
        KvEvent e = TestEvents.put().build();
        ByteBuffer value = e.getValue();
        int position = value.position();

        KvEvents.toWrite(e);
        KvEvents.toWrite(e);

        assertThat(value.position()).isEqualTo(position);
        assertThat(KvEvents.toWrite(e).value()).isEqualTo(KvEvents.valueBytes(e));
    }

    @Test
    void contextRoundTripsAndIsSortedByRegion() {
        VersionVector v = VersionVector.of(Map.of("us-east", 1L, "asia-pac", 2L, "eu-west", 3L));

        CausalContext avro = KvEvents.toAvro(v);

        assertThat(avro.getEntries()).extracting(c -> c.getRegion()).containsExactly("asia-pac", "eu-west", "us-east");
        assertThat(KvEvents.fromAvro(avro)).isEqualTo(v);
        assertThat(KvEvents.toAvro(VersionVector.empty()).getEntries()).isEmpty();
        assertThat(KvEvents.fromAvro(TestEvents.context())).isEqualTo(VersionVector.empty());
        assertThat(KvEvents.fromAvro(null)).isEqualTo(VersionVector.empty());
    }

    @Test
    void fromAvroDropsZerosAndKeepsTheHighestDuplicate() {
        assertThat(KvEvents.fromAvro(TestEvents.context("a", 0, "b", 2, "b", 5)))
                .isEqualTo(VersionVector.of(Map.of("b", 5L)));
    }

    @Test
    void fromAvroRejectsNegativeCounters() {
        assertThatThrownBy(() -> KvEvents.fromAvro(TestEvents.context("us-east", -1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
