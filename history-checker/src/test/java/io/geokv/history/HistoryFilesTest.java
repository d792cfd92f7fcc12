package io.geokv.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFilesTest {

    @TempDir
    Path dir;

    @Test
    void aHistorySurvivesAJsonRoundTrip() {
        History history = ValidHistory.build();
        Path file = dir.resolve("history.json");

        HistoryFiles.write(file, history);

        assertThat(HistoryFiles.read(file)).isEqualTo(history);
    }

    @Test
    void unknownFieldsAreRefused() throws Exception {
        Path file = dir.resolve("history.json");
        Files.writeString(file, "{\"seed\":1,\"siblingsPerOrigin\":1,\"surprise\":true}");

        assertThatThrownBy(() -> HistoryFiles.read(file)).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void missingListsReadAsEmpty() throws Exception {
        Path file = dir.resolve("history.json");
        Files.writeString(file, "{\"seed\":1,\"siblingsPerOrigin\":4}");

        History history = HistoryFiles.read(file);

        assertThat(history.operations()).isEmpty();
        assertThat(HistoryChecker.check(history)).isEmpty();
    }
}
