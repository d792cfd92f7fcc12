package io.geokv.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.event.avro.CausalContext;
import io.geokv.event.avro.KvEvent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class KvEventCodecTest {

    private final KvEventCodec codec = new KvEventCodec();

    @Test
    void garbageIsRejectedWithAClearMessage() {
        byte[] garbage = "{\"key\":\"not avro at all\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> codec.decode(garbage))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not Avro single-object encoding")
                .hasMessageContaining("0x7B 0x22");
    }

    @Test
    void tooShortForAHeaderIsRejected() {
        assertThatThrownBy(() -> codec.decode(new byte[0]))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("0 bytes is shorter than the 10-byte single-object encoding header");
        assertThatThrownBy(() -> codec.decode(new byte[] {(byte) 0xC3, 0x01, 1, 2}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("shorter than");
    }

    @Test
    void truncatedBodyIsRejected() {
        byte[] full = codec.encode(TestEvents.put().build());
        byte[] truncated = Arrays.copyOf(full, full.length - 5);

        assertThatThrownBy(() -> codec.decode(truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("truncated: the input ends before the event does");
    }

    @Test
    void hugeDeclaredLengthIsRejectedWithoutAllocatingIt() {
        byte[] valid = codec.encode(TestEvents.put().build());
        // header, then an eventId whose declared length is about 1.9 GB, then a few bytes
        byte[] hostile = Arrays.copyOf(valid, KvEventCodec.HEADER_LENGTH + 10);
        long zigzag = 1_900_000_000L << 1;
        int at = KvEventCodec.HEADER_LENGTH;
        while ((zigzag & ~0x7FL) != 0) {
            hostile[at++] = (byte) ((zigzag & 0x7F) | 0x80);
            zigzag >>>= 7;
        }
        hostile[at] = (byte) zigzag;
        long before = Runtime.getRuntime().totalMemory();

        assertThatThrownBy(() -> codec.decode(hostile))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("truncated");
        assertThat(Runtime.getRuntime().totalMemory() - before).isLessThan(512L * 1024 * 1024);
    }

    @Test
    void corruptVarintIsRejected() {
        byte[] valid = codec.encode(TestEvents.put().build());
        byte[] corrupt = Arrays.copyOf(valid, valid.length);
        for (int i = KvEventCodec.HEADER_LENGTH; i < KvEventCodec.HEADER_LENGTH + 10; i++) {
            corrupt[i] = (byte) 0xFF; // a varint longer than 64 bits
        }

        assertThatThrownBy(() -> codec.decode(corrupt))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("corrupt body");
    }

    @Test
    void everyProperPrefixIsRejected() {
        byte[] full = codec.encode(TestEvents.put().build());
        for (int len = 0; len < full.length; len++) {
            byte[] prefix = Arrays.copyOf(full, len);
            assertThatThrownBy(() -> codec.decode(prefix))
                    .as("prefix of %d of %d bytes", len, full.length)
                    .isInstanceOf(SerializationException.class);
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] full = codec.encode(TestEvents.delete());
        byte[] longer = Arrays.copyOf(full, full.length + 3);

        assertThatThrownBy(() -> codec.decode(longer))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("3 unexpected trailing bytes");
    }

    @Test
    void unknownFingerprintIsRejected() {
        byte[] bytes = codec.encode(TestEvents.put().build());
        bytes[2] ^= (byte) 0xFF; // a fingerprint no reader knows

        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown writer schema fingerprint " + KvEventCodec.fingerprintHex(bytes))
                .hasMessageContaining("schema version this reader does not know");
    }

    @Test
    void incompleteEventCannotBeEncoded() {
        KvEvent incomplete = new KvEvent();
        incomplete.setEventId("e1");
        incomplete.setContext(new CausalContext(List.of()));

        assertThatThrownBy(() -> codec.encode(incomplete))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot encode KvEvent e1");
    }

    @Test
    void onlyKvEventSchemasAreAcceptedAsWriterSchemas() {
        assertThatThrownBy(() -> new KvEventCodec(List.of(CausalContext.getClassSchema())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be the record io.geokv.event.avro.KvEvent")
                .hasMessageContaining("io.geokv.event.avro.CausalContext");
    }

    @Test
    void bundledHistoryLoadsAndEachSchemaIsCompatibleBothWays() {
        List<Schema> history = KvEventCodec.bundledHistory();
        Schema current = KvEvent.getClassSchema();

        assertThat(new KvEventCodec().knownWriterSchemas()).hasSize(1 + history.size());
        for (Schema old : history) {
            assertMutuallyCompatible(current, old);
        }
    }

    @Test
    void anEventWithoutTheNewerFieldsIsWrittenSoThatTheOlderVersionReadsIt() throws Exception {
        Schema v1 = KvEventCodec.bundledHistory().get(0);
        assertThat(v1.getField("expiresAt")).isNull();
        // What a process of the version before expiries decodes with: its own schema alone.
        org.apache.avro.message.BinaryMessageDecoder<KvEvent> olderReader =
                new org.apache.avro.message.BinaryMessageDecoder<>(org.apache.avro.specific.SpecificData.get(), v1);

        KvEvent plain = TestEvents.put().build();
        byte[] bytes = codec.encode(plain);
        assertThat(olderReader.decode(bytes).getEventId()).isEqualTo(plain.getEventId());
        assertThat(codec.decode(bytes)).isEqualTo(plain);

        KvEvent expiring = TestEvents.put().setExpiresAt(5_000L).build();
        byte[] newer = codec.encode(expiring);
        assertThat(KvEventCodec.fingerprintHex(newer)).isNotEqualTo(KvEventCodec.fingerprintHex(bytes));
        assertThat(codec.decode(newer).getExpiresAt()).isEqualTo(5_000L);
        assertThatThrownBy(() -> olderReader.decode(newer)).isInstanceOf(Exception.class);
    }

    @Test
    void historyIndexSkipsCommentsAndLoadsListedFiles() {
        List<Schema> loaded = KvEventCodec.loadHistory(getClass().getClassLoader(), TestEvents.EVOLUTION_FOLDER);

        assertThat(loaded).hasSize(1);
        assertThat(loaded.get(0).getField("traceId")).isNotNull();
        assertMutuallyCompatible(KvEvent.getClassSchema(), loaded.get(0));
        assertThat(KvEventCodec.loadHistory(getClass().getClassLoader(), "no/such/folder"))
                .isEmpty();
    }

    @Test
    void everyFieldIsDocumented() {
        for (Schema.Field field : KvEvent.getClassSchema().getFields()) {
            assertThat(field.doc()).as("doc of %s", field.name()).isNotBlank();
        }
    }

    private static void assertMutuallyCompatible(Schema a, Schema b) {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(a, b).getType())
                .as("reader current, writer other")
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(b, a).getType())
                .as("reader other, writer current")
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
}
