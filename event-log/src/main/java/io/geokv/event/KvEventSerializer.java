package io.geokv.event;

import io.geokv.event.avro.KvEvent;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer for {@link KvEvent} values (Avro single-object encoding, see {@link
 * KvEventCodec}). Usable from configuration: {@code
 * value.serializer=io.geokv.event.KvEventSerializer}. A null event serializes to null.
 */
public class KvEventSerializer implements Serializer<KvEvent> {

    private final KvEventCodec codec;

    /** A serializer with the default codec (current schema plus the bundled schema history). */
    public KvEventSerializer() {
        this(DefaultCodec.INSTANCE);
    }

    public KvEventSerializer(KvEventCodec codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    @Override
    public byte[] serialize(String topic, KvEvent event) {
        return event == null ? null : codec.encode(event);
    }
}
