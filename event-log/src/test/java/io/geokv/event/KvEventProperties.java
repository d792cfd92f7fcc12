package io.geokv.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.geokv.event.avro.CausalContext;
import io.geokv.event.avro.ContextEntry;
import io.geokv.event.avro.KvEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.errors.SerializationException;

class KvEventProperties {

    private static final KvEventCodec CODEC = KvEventCodec.shared();

    @Property(tries = 300)
    void everyEventRoundTrips(@ForAll("events") KvEvent event) {
        assertThat(CODEC.decode(CODEC.encode(event))).isEqualTo(event);
    }

    @Property(tries = 300)
    void corruptBodiesFailOnlyWithSerializationException(
            @ForAll("events") KvEvent event, @ForAll @Size(max = 64) byte[] noise, @ForAll int cut) {
        byte[] valid = CODEC.encode(event);
        // keep the real header, then a prefix of the body followed by noise
        int keep = KvEventCodec.HEADER_LENGTH + Math.floorMod(cut, valid.length - 9);
        byte[] corrupt = Arrays.copyOf(valid, Math.min(keep, valid.length) + noise.length);
        System.arraycopy(noise, 0, corrupt, Math.min(keep, valid.length), noise.length);

        Throwable t = catchThrowable(() -> CODEC.decode(corrupt));

        assertThat(t)
                .satisfiesAnyOf(
                        x -> assertThat(x).isNull(), x -> assertThat(x).isInstanceOf(SerializationException.class));
    }

    @Property(tries = 200)
    void randomBytesNeverDecodeSilentlyAsSomethingElse(@ForAll @Size(max = 200) byte[] bytes) {
        if (bytes.length >= 2 && bytes[0] == (byte) 0xC3 && bytes[1] == 0x01) {
            return; // covered by the property above
        }
        assertThatThrownBy(() -> CODEC.decode(bytes)).isInstanceOf(SerializationException.class);
    }

    @Property(tries = 500)
    void keyRuleCountsUtf8Bytes(@ForAll("keys") String key) {
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        boolean control = key.codePoints().anyMatch(Character::isISOControl);
        boolean wellFormed = StandardCharsets.UTF_8.newEncoder().canEncode(key);
        boolean ok = wellFormed && bytes >= 1 && bytes <= InputRules.MAX_KEY_BYTES && !control;

        assertThat(InputRules.keyViolation(key).isEmpty()).isEqualTo(ok);
    }

    @Property(tries = 300)
    void validEventsAlwaysMapToTheConflictModel(@ForAll("events") KvEvent event) {
        Optional<String> violation = EventValidator.violation(
                event,
                event.getOriginRegion(),
                EventTopics.recordKey(event.getTenant(), event.getKey()),
                InputRules.DEFAULT_MAX_VALUE_BYTES,
                List.of("us-east", "eu-west", "asia-pac", "r1"));
        if (violation.isEmpty()) {
            assertThat(KvEvents.toWrite(event).eventId()).isEqualTo(event.getEventId());
        }
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMinLength(0).ofMaxLength(300),
                Arbitraries.strings()
                        .withCharRange('\u00a0', '\u07ff')
                        .ofMinLength(250)
                        .ofMaxLength(260),
                Arbitraries.strings().alpha().ofMinLength(505).ofMaxLength(520));
    }

    @Provide
    Arbitrary<KvEvent> events() {
        Arbitrary<String> region = Arbitraries.of("us-east", "eu-west", "asia-pac", "r1");
        Arbitrary<ContextEntry> entry = Combinators.combine(
                        region, Arbitraries.longs().between(0, Long.MAX_VALUE))
                .as(ContextEntry::new);
        Arbitrary<CausalContext> context = entry.list().ofMaxSize(4).map(l -> new CausalContext(new ArrayList<>(l)));
        Arbitrary<ByteBuffer> value = Arbitraries.bytes()
                .array(byte[].class)
                .ofMaxSize(100)
                .map(ByteBuffer::wrap)
                .injectNull(0.2);
        Arbitrary<String> text = Arbitraries.strings().ofMinLength(1).ofMaxLength(40);
        Arbitrary<String> tenant =
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10);
        return Combinators.combine(
                        text,
                        tenant,
                        text,
                        value,
                        region,
                        context,
                        Arbitraries.longs(),
                        Arbitraries.integers().between(1, 3))
                .as((id, t, k, v, r, c, ts, sv) -> KvEvent.newBuilder()
                        .setEventId(id)
                        .setTenant(t)
                        .setKey(k)
                        .setValue(v)
                        .setContentType("text/plain")
                        .setOriginRegion(r)
                        .setContext(c)
                        .setOriginTimestamp(ts)
                        .setSchemaVersion(sv)
                        .build());
    }
}
