package io.geokv.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line: what it refuses before starting anything (the services themselves: RunLocalIT). */
class LocalServicesTest {

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandLine command = new CommandLine(new LocalServices(new PrintStream(out, true, StandardCharsets.UTF_8)));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    @Test
    void refusesToStartNothing() {
        assertThat(run("--binaries-dir", "target/unused")).isEqualTo(2);
        assertThat(err.toString()).contains("nothing to start");
    }

    @Test
    void postgresNeedsItsDataFolder() {
        assertThat(run("--binaries-dir", "target/unused", "--postgres-port", "1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--postgres-port needs --postgres-data");
    }

    @Test
    void redisNeedsItsFolder() {
        assertThat(run("--binaries-dir", "target/unused", "--redis-port", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("--redis-port needs --redis-dir");
    }
}
