package io.geokv.history;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Reads and writes a {@link History} as one JSON file; the only I/O of this module. */
public final class HistoryFiles {

    // Unknown properties are refused: a runner and a checker that disagree on the format should
    // fail loudly rather than check a history with silently missing fields.
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private HistoryFiles() {}

    /** The mapper used for histories and reports. */
    static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Writes {@code history} to {@code file}, replacing it. */
    public static void write(Path file, History history) {
        try {
            MAPPER.writeValue(file.toFile(), history);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write history " + file, e);
        }
    }

    /** Reads a history written by {@link #write}. */
    public static History read(Path file) {
        try {
            return MAPPER.readValue(file.toFile(), History.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read history " + file, e);
        }
    }
}
