package io.geokv.system;

import io.geokv.testing.TestReplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * replication-streams in a JVM of its own, so a test can kill it the way a machine dies: SIGKILL,
 * no shutdown hooks, no clean close of Kafka transactions, RocksDB or connections.
 */
public final class ReplicationProcess {

    private final Process process;

    private ReplicationProcess(Process process) {
        this.process = process;
    }

    static ReplicationProcess start(Path stateDir, Path log) {
        return start(stateDir, log, Map.of());
    }

    /** With {@code overrides} on top of the test properties, e.g. other store endpoints. */
    public static ReplicationProcess start(Path stateDir, Path log, Map<String, Object> overrides) {
        Map<String, Object> properties = new LinkedHashMap<>(TestReplication.properties(stateDir));
        properties.putAll(overrides);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m",
                "-cp",
                System.getProperty("java.class.path"),
                "io.geokv.replication.ReplicationStreamsApplication"));
        command.addAll(List.of(TestReplication.asArguments(properties)));
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new ReplicationProcess(process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL on Linux: the process gets no chance to clean up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("replication-streams did not die");
        }
    }

    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
    }

    public static Path logFile(String name) {
        return Path.of("target", "child-logs", name + ".log").toAbsolutePath();
    }
}
