package io.geokv.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.event.avro.KvEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * Readers and writers on different schema versions: a reader of a test-only future schema (two extra
 * fields that have defaults) reads today's events, and today's generated-class codec reads future
 * events, both resolved through the fingerprint in the single-object header.
 */
class SchemaEvolutionTest {

    private final Schema current = KvEvent.getClassSchema();
    private final Schema future = TestEvents.futureSchema();

    @Test
    void futureReaderReadsCurrentEventWithDefaultsFilled() throws Exception {
        KvEvent written = TestEvents.put().build();
        byte[] bytes = new KvEventCodec().encode(written);

        BinaryMessageDecoder<GenericRecord> futureDecoder = new BinaryMessageDecoder<>(GenericData.get(), future);
        new KvEventCodec().knownWriterSchemas().forEach(futureDecoder::addSchema);
        GenericRecord read = futureDecoder.decode(bytes);

        assertThat(read.getSchema()).isEqualTo(future);
        assertThat(read.get("eventId").toString()).isEqualTo(written.getEventId());
        assertThat(read.get("tenant").toString()).isEqualTo("acme");
        assertThat(read.get("key").toString()).isEqualTo("user/42");
        assertThat(read.get("value")).isEqualTo(written.getValue());
        assertThat(read.get("contentType").toString()).isEqualTo("application/json");
        assertThat(read.get("originRegion").toString()).isEqualTo("us-east");
        assertThat(read.get("originTimestamp")).isEqualTo(written.getOriginTimestamp());
        assertThat(read.get("schemaVersion")).isEqualTo(1);
        GenericRecord context = (GenericRecord) read.get("context");
        assertThat((List<?>) context.get("entries")).hasSize(3);
        // fields new in future get their defaults
        assertThat((Map<?, ?>) read.get("attributes")).isEmpty();
        assertThat(read.get("traceId")).isNull();
    }

    @Test
    void currentGeneratedCodecReadsFutureEventWithAllV1FieldsIntact() throws Exception {
        Schema contextSchema = future.getField("context").schema();
        Schema entrySchema = contextSchema.getField("entries").schema().getElementType();
        GenericRecord entry = new GenericRecordBuilder(entrySchema)
                .set("region", "eu-west")
                .set("counter", 9L)
                .build();
        GenericRecord context = new GenericRecordBuilder(contextSchema)
                .set("entries", List.of(entry))
                .build();
        GenericRecord futureEvent = new GenericRecordBuilder(future)
                .set("eventId", "e-future")
                .set("tenant", "acme")
                .set("key", "cart/7")
                .set("value", ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)))
                .set("contentType", "text/plain")
                .set("originRegion", "eu-west")
                .set("context", context)
                .set("originTimestamp", 123L << 16)
                .set("schemaVersion", 2)
                .set("attributes", Map.of("source", "import"))
                .set("traceId", new Utf8("trace-1"))
                .build();
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), future)
                .encode(futureEvent)
                .array();

        KvEvent read = new KvEventCodec(List.of(future)).decode(bytes);

        assertThat(read.getEventId()).isEqualTo("e-future");
        assertThat(read.getTenant()).isEqualTo("acme");
        assertThat(read.getKey()).isEqualTo("cart/7");
        assertThat(StandardCharsets.UTF_8.decode(read.getValue()).toString()).isEqualTo("hello");
        assertThat(read.getContentType()).isEqualTo("text/plain");
        assertThat(read.getOriginRegion()).isEqualTo("eu-west");
        assertThat(read.getContext().getEntries()).hasSize(1);
        assertThat(read.getContext().getEntries().get(0).getRegion()).isEqualTo("eu-west");
        assertThat(read.getContext().getEntries().get(0).getCounter()).isEqualTo(9L);
        assertThat(read.getOriginTimestamp()).isEqualTo(123L << 16);
        assertThat(read.getSchemaVersion()).isEqualTo(2);
    }

    @Test
    void futureEventIsUnknownToACodecThatDoesNotKnowTheFuture() throws Exception {
        GenericRecord futureDelete = new GenericRecordBuilder(future)
                .set("eventId", "e-future-del")
                .set("tenant", "acme")
                .set("key", "k")
                .set("originRegion", "us-east")
                .set(
                        "context",
                        new GenericRecordBuilder(future.getField("context").schema())
                                .set("entries", List.of())
                                .build())
                .set("originTimestamp", 1L)
                .build();
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), future)
                .encode(futureDelete)
                .array();

        assertThatThrownBy(() -> new KvEventCodec(List.of()).decode(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown writer schema fingerprint");
        KvEvent read = new KvEventCodec(List.of(future)).decode(bytes);
        assertThat(read.getValue()).isNull();
        assertThat(read.getContentType()).isEqualTo("application/octet-stream");
        assertThat(read.getSchemaVersion()).isEqualTo(1);
    }
}
