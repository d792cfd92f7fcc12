package io.geokv.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.geokv.event.avro.KvEvent;
import io.geokv.naming.GeokvNames;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KvEventSerdeTest {

    private static final String TOPIC = GeokvNames.eventTopic("us-east");

    private final Serde<KvEvent> serde = new KvEventSerde();

    @Test
    void putWithContextRoundTrips() {
        KvEvent event = TestEvents.put().build();

        byte[] bytes = serde.serializer().serialize(TOPIC, event);
        KvEvent back = serde.deserializer().deserialize(TOPIC, bytes);

        assertThat(back).isEqualTo(event);
        assertThat(back.getContext().getEntries())
                .extracting(e -> e.getRegion() + "=" + e.getCounter())
                .containsExactly("asia-pac=1", "eu-west=7", "us-east=3");
        assertThat(bytes(back.getValue())).isEqualTo(bytes(event.getValue()));
        assertThat(back.getOriginTimestamp()).isEqualTo((1_700_000_000_000L << 16) | 5);
    }

    @Test
    void deleteWithNullValueRoundTrips() {
        KvEvent delete = TestEvents.delete();

        KvEvent back =
                serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, delete));

        assertThat(back).isEqualTo(delete);
        assertThat(back.getValue()).isNull();
    }

    @Test
    void emptyValueAndEmptyContextAreNotConfusedWithDelete() {
        KvEvent event = TestEvents.put()
                .setValue(ByteBuffer.allocate(0))
                .setContext(TestEvents.context())
                .build();

        KvEvent back =
                serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, event));

        assertThat(back.getValue()).isNotNull();
        assertThat(back.getValue().remaining()).isZero();
        assertThat(back.getContext().getEntries()).isEmpty();
    }

    @Test
    void headerVariantsRoundTrip() {
        KvEvent event = TestEvents.put().build();
        RecordHeaders headers = new RecordHeaders();

        byte[] bytes = serde.serializer().serialize(TOPIC, headers, event);

        assertThat(serde.deserializer().deserialize(TOPIC, headers, bytes)).isEqualTo(event);
        assertThat(serde.deserializer().deserialize(TOPIC, headers, ByteBuffer.wrap(bytes)))
                .isEqualTo(event);
    }

    @Test
    void nullInNullOut() {
        assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, (byte[]) null)).isNull();
    }

    @Test
    void usesSingleObjectEncodingWithTheSchemaFingerprint() {
        byte[] bytes = new KvEventSerializer().serialize(TOPIC, TestEvents.put().build());

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint =
                ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        // Without an expiry, written with the first schema (which every version reads).
        assertThat(fingerprint)
                .isEqualTo(SchemaNormalization.parsingFingerprint64(
                        KvEventCodec.bundledHistory().get(0)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void producerAndConsumerCanLoadTheSerdeByClassName() {
        Map<String, Object> producerProps = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "io.geokv.event.KvEventSerializer");
        Map<String, Object> consumerProps = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "io.geokv.event.KvEventDeserializer");

        Serializer<KvEvent> serializer = new ProducerConfig(producerProps)
                .getConfiguredInstance(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, Serializer.class);
        Deserializer<KvEvent> deserializer = new ConsumerConfig(consumerProps)
                .getConfiguredInstance(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, Deserializer.class);
        serializer.configure(producerProps, false);
        deserializer.configure(consumerProps, false);

        KvEvent event = TestEvents.put().build();
        assertThat(deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, event)))
                .isEqualTo(event);
        serializer.close();
        deserializer.close();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
