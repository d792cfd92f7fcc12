package io.geokv.event;

import io.geokv.event.avro.CausalContext;
import io.geokv.event.avro.ContextEntry;
import io.geokv.event.avro.KvEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/** Sample events for the tests, built with the generated classes only. */
final class TestEvents {

    static final String EVOLUTION_FOLDER = "io/geokv/event/evolution";

    private TestEvents() {}

    static CausalContext context(Object... regionCounterPairs) {
        List<ContextEntry> entries = new ArrayList<>();
        for (int i = 0; i < regionCounterPairs.length; i += 2) {
            entries.add(
                    new ContextEntry((String) regionCounterPairs[i], ((Number) regionCounterPairs[i + 1]).longValue()));
        }
        return new CausalContext(entries);
    }

    static KvEvent.Builder put() {
        return KvEvent.newBuilder()
                .setEventId("8f1c2a4e-0000-4000-8000-000000000001")
                .setTenant("acme")
                .setKey("user/42")
                .setValue(ByteBuffer.wrap("{\"name\":\"Ada\"}".getBytes(StandardCharsets.UTF_8)))
                .setContentType("application/json")
                .setOriginRegion("us-east")
                .setContext(context("asia-pac", 1, "eu-west", 7, "us-east", 3))
                .setOriginTimestamp((1_700_000_000_000L << 16) | 5)
                .setSchemaVersion(1);
    }

    static KvEvent delete() {
        return put().setEventId("8f1c2a4e-0000-4000-8000-000000000002")
                .setValue(null)
                .setContentType("application/octet-stream")
                .setContext(context("us-east", 4))
                .build();
    }

    static Schema futureSchema() {
        try (InputStream in =
                TestEvents.class.getClassLoader().getResourceAsStream(EVOLUTION_FOLDER + "/kv-event-future.avsc")) {
            if (in == null) {
                throw new IllegalStateException("test resource kv-event-future.avsc missing");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
