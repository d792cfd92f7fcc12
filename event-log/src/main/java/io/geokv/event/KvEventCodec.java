package io.geokv.event;

import io.geokv.event.avro.KvEvent;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Encodes and decodes {@link KvEvent}s with Avro single-object encoding: the two marker bytes
 * {@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema, then the
 * Avro binary body. Because the fingerprint travels with every event, a reader resolves events
 * written with an older or newer schema version without a schema registry, as long as it knows
 * that writer schema.
 *
 * <p>A codec always reads the current {@link KvEvent} schema. The no-arg constructor also reads
 * every historical schema listed in the classpath resource {@value #HISTORY_INDEX}. An event that
 * leaves every field added since an older known schema at its default is written with that older
 * schema (the newest such), so that processes of the older version, in a deployment being upgraded,
 * still read it; every other event is written with the current schema. Instances are thread-safe.
 *
 * <p>Decoding never trusts a length in the input: before the body is materialised it is walked once
 * to check that every string, byte and collection length fits in the bytes actually received, so a
 * corrupt or hostile record of a few bytes cannot make the reader allocate gigabytes.
 */
public final class KvEventCodec {

    /** Classpath folder that holds historical writer schemas of {@link KvEvent}. */
    public static final String HISTORY_FOLDER = "io/geokv/event/schema-history";

    /** Classpath resource listing the historical schema files, one file name per line. */
    public static final String HISTORY_INDEX = HISTORY_FOLDER + "/index";

    /** Length of the single-object encoding header: 2 marker bytes plus an 8-byte fingerprint. */
    public static final int HEADER_LENGTH = 10;

    private static final byte MAGIC_0 = (byte) 0xC3;
    private static final byte MAGIC_1 = (byte) 0x01;

    static {
        AvroClassTrust.ensureTrusted();
    }

    private final BinaryMessageEncoder<KvEvent> encoder;
    /** For events with only the fields of {@link #olderFieldCount}; null when no older schema fits. */
    private final BinaryMessageEncoder<KvEvent> olderEncoder;

    private final int olderFieldCount;
    private final BinaryMessageDecoder<KvEvent> decoder;
    private final List<Schema> knownWriterSchemas;
    private final Map<Long, Schema> writerByFingerprint;

    /** A codec that reads the current schema and every schema in the bundled schema history. */
    public KvEventCodec() {
        this(bundledHistory());
    }

    /**
     * A codec that reads the current schema and each of {@code otherKnownWriterSchemas}. Each must
     * be a schema of the record {@code io.geokv.event.avro.KvEvent} that can be resolved against the
     * current one (fields added or removed with defaults).
     *
     * @throws IllegalArgumentException if a schema is not a KvEvent record schema
     */
    public KvEventCodec(Collection<Schema> otherKnownWriterSchemas) {
        Objects.requireNonNull(otherKnownWriterSchemas, "otherKnownWriterSchemas");
        SpecificData model = SpecificData.getForClass(KvEvent.class);
        Schema current = KvEvent.getClassSchema();
        this.encoder = new BinaryMessageEncoder<>(model, current);
        this.decoder = new BinaryMessageDecoder<>(model, current);
        List<Schema> known = new ArrayList<>();
        Map<Long, Schema> byFingerprint = new HashMap<>();
        known.add(current);
        byFingerprint.put(SchemaNormalization.parsingFingerprint64(current), current);
        for (Schema writer : otherKnownWriterSchemas) {
            Objects.requireNonNull(writer, "known writer schema");
            if (writer.getType() != Schema.Type.RECORD || !current.getFullName().equals(writer.getFullName())) {
                throw new IllegalArgumentException("a known writer schema must be the record "
                        + current.getFullName()
                        + ", got "
                        + (writer.getType() == Schema.Type.RECORD ? writer.getFullName() : writer.getType()));
            }
            decoder.addSchema(writer);
            known.add(writer);
            byFingerprint.put(SchemaNormalization.parsingFingerprint64(writer), writer);
        }
        this.knownWriterSchemas = List.copyOf(known);
        this.writerByFingerprint = Map.copyOf(byFingerprint);
        Schema older = newestOlderPrefix(current, otherKnownWriterSchemas);
        this.olderEncoder = older == null ? null : new BinaryMessageEncoder<>(model, older);
        this.olderFieldCount = older == null ? 0 : older.getFields().size();
    }

    /**
     * The known schema with the most fields among those whose fields are the current schema's first
     * fields (the fields added since were appended), so that a generated event's field positions
     * are that schema's too; null if there is none.
     */
    private static Schema newestOlderPrefix(Schema current, Collection<Schema> others) {
        Schema best = null;
        for (Schema other : others) {
            List<Schema.Field> fields = other.getFields();
            int n = fields.size();
            if (n >= current.getFields().size()
                    || (best != null && n <= best.getFields().size())) {
                continue;
            }
            boolean prefix = true;
            for (int i = 0; i < n && prefix; i++) {
                Schema.Field field = current.getFields().get(i);
                // Compared in parsing canonical form: the generated class's schema carries Java-only properties.
                prefix = field.name().equals(fields.get(i).name())
                        && SchemaNormalization.toParsingForm(field.schema())
                                .equals(SchemaNormalization.toParsingForm(
                                        fields.get(i).schema()));
            }
            if (prefix) {
                best = other;
            }
        }
        return best;
    }

    private boolean fitsOlderSchema(KvEvent event) {
        List<Schema.Field> fields = KvEvent.getClassSchema().getFields();
        for (int i = olderFieldCount; i < fields.size(); i++) {
            if (!Objects.equals(event.get(i), SpecificData.get().getDefaultValue(fields.get(i)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The shared codec for the current schema and the bundled schema history (what the no-arg
     * serializer, deserializer and serde use).
     */
    public static KvEventCodec shared() {
        return DefaultCodec.INSTANCE;
    }

    /** The writer schemas this codec can decode, the current schema first. */
    public List<Schema> knownWriterSchemas() {
        return knownWriterSchemas;
    }

    /**
     * Encodes an event with the current schema.
     *
     * @throws SerializationException if the event is incomplete (a required field is null)
     */
    public byte[] encode(KvEvent event) {
        Objects.requireNonNull(event, "event");
        try {
            ByteBuffer buf = (olderEncoder != null && fitsOlderSchema(event) ? olderEncoder : encoder).encode(event);
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new SerializationException("cannot encode KvEvent " + event.getEventId() + ": " + describe(e), e);
        }
    }

    /**
     * Decodes one event written by any known writer schema, resolving it to the current schema.
     *
     * @throws SerializationException if the bytes are not a single-object encoded KvEvent, were
     *     written with an unknown schema, are truncated or corrupt, or have trailing bytes
     */
    public KvEvent decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length < HEADER_LENGTH) {
            throw new SerializationException("cannot decode KvEvent: "
                    + bytes.length
                    + " bytes is shorter than the "
                    + HEADER_LENGTH
                    + "-byte single-object encoding header");
        }
        if (bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
            throw new SerializationException(String.format(
                    "cannot decode KvEvent: not Avro single-object encoding (first bytes 0x%02X 0x%02X,"
                            + " expected 0xC3 0x01)",
                    bytes[0], bytes[1]));
        }
        long fingerprint =
                ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Schema writer = writerByFingerprint.get(fingerprint);
        if (writer == null) {
            throw new SerializationException("cannot decode KvEvent: unknown writer schema fingerprint "
                    + fingerprintHex(bytes)
                    + " (written by a schema version this reader does not know; known fingerprints: "
                    + knownFingerprints()
                    + ")");
        }
        checkBody(bytes, writer);
        try {
            return decoder.decode(new ByteArrayInputStream(bytes), null);
        } catch (IOException | RuntimeException e) {
            throw corrupt(bytes, e);
        }
    }

    /**
     * Walks the body without materialising it: every length must fit in the bytes received, and the
     * event must end exactly at the end of the input.
     */
    private static void checkBody(byte[] bytes, Schema writer) {
        BinaryDecoder body =
                DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
        try {
            GenericDatumReader.skip(writer, body);
        } catch (EOFException e) {
            throw new SerializationException(
                    "cannot decode KvEvent ("
                            + bytes.length
                            + " bytes, writer schema "
                            + fingerprintHex(bytes)
                            + "): truncated: the input ends before the event does",
                    e);
        } catch (IOException | RuntimeException e) {
            throw corrupt(bytes, e);
        }
        try {
            if (!body.isEnd()) {
                int trailing = 0;
                byte[] one = new byte[1];
                while (!body.isEnd()) {
                    body.readFixed(one);
                    trailing++;
                }
                throw new SerializationException(
                        "cannot decode KvEvent: " + trailing + " unexpected trailing bytes after the event");
            }
        } catch (IOException e) {
            throw corrupt(bytes, e);
        }
    }

    private static SerializationException corrupt(byte[] bytes, Exception e) {
        return new SerializationException(
                "cannot decode KvEvent ("
                        + bytes.length
                        + " bytes, writer schema "
                        + fingerprintHex(bytes)
                        + "): corrupt body: "
                        + describe(e),
                e);
    }

    /** The writer-schema fingerprint in an encoded event's header, as 16 hex digits. */
    public static String fingerprintHex(byte[] encoded) {
        if (encoded.length < HEADER_LENGTH) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder(16);
        for (int i = 2; i < HEADER_LENGTH; i++) {
            sb.append(String.format("%02x", encoded[i]));
        }
        return sb.toString();
    }

    private String knownFingerprints() {
        List<String> out = new ArrayList<>();
        for (Schema s : knownWriterSchemas) {
            long fp = SchemaNormalization.parsingFingerprint64(s);
            StringBuilder sb = new StringBuilder(16);
            for (int i = 0; i < 8; i++) {
                sb.append(String.format("%02x", (fp >>> (8 * i)) & 0xFF)); // little-endian, as on the wire
            }
            out.add(sb.toString());
        }
        return String.join(", ", out);
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        if (t instanceof AvroRuntimeException && t.getCause() != null) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        return msg == null || msg.isBlank() ? t.getClass().getSimpleName() : msg;
    }

    /** Loads the historical writer schemas listed in {@value #HISTORY_INDEX}. */
    static List<Schema> bundledHistory() {
        return loadHistory(KvEventCodec.class.getClassLoader(), HISTORY_FOLDER);
    }

    /**
     * Loads the schemas listed in {@code folder/index} from the class path. Each schema file is parsed
     * on its own, so it must be self-contained (nested records defined inline).
     */
    static List<Schema> loadHistory(ClassLoader loader, String folder) {
        String index = folder + "/index";
        List<Schema> schemas = new ArrayList<>();
        try (InputStream in = loader.getResourceAsStream(index)) {
            if (in == null) {
                return List.of();
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String raw : text.split("\\R")) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String path = folder + "/" + line;
                try (InputStream schemaIn = loader.getResourceAsStream(path)) {
                    if (schemaIn == null) {
                        throw new IllegalStateException(
                                "schema history " + index + " lists " + line + ", which is not on the class path");
                    }
                    schemas.add(new Schema.Parser().parse(schemaIn));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema history " + index, e);
        }
        return List.copyOf(schemas);
    }
}
