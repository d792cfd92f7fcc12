package io.geokv.event;

import io.geokv.event.avro.KvEvent;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for {@link KvEvent} values (Avro single-object encoding, see {@link
 * KvEventCodec}). Usable from configuration: {@code
 * value.deserializer=io.geokv.event.KvEventDeserializer}. Null bytes deserialize to null; bytes
 * that are not a decodable KvEvent throw {@link
 * org.apache.kafka.common.errors.SerializationException}.
 */
public class KvEventDeserializer implements Deserializer<KvEvent> {

    private final KvEventCodec codec;

    /** A deserializer with the default codec (current schema plus the bundled schema history). */
    public KvEventDeserializer() {
        this(DefaultCodec.INSTANCE);
    }

    public KvEventDeserializer(KvEventCodec codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    @Override
    public KvEvent deserialize(String topic, byte[] data) {
        return data == null ? null : codec.decode(data);
    }
}
