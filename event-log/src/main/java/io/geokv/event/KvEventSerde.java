package io.geokv.event;

import io.geokv.event.avro.KvEvent;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for {@link KvEvent} values, for Kafka Streams ({@code
 * default.value.serde=io.geokv.event.KvEventSerde} or passed explicitly).
 */
public class KvEventSerde implements Serde<KvEvent> {

    private final KvEventSerializer serializer;
    private final KvEventDeserializer deserializer;

    /** A serde with the default codec (current schema plus the bundled schema history). */
    public KvEventSerde() {
        this(DefaultCodec.INSTANCE);
    }

    public KvEventSerde(KvEventCodec codec) {
        Objects.requireNonNull(codec, "codec");
        this.serializer = new KvEventSerializer(codec);
        this.deserializer = new KvEventDeserializer(codec);
    }

    @Override
    public Serializer<KvEvent> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<KvEvent> deserializer() {
        return deserializer;
    }
}
