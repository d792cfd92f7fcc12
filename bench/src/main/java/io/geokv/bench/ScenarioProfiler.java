package io.geokv.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Profiles of the processes under test, one per scenario: async-profiler is loaded into each
 * running JVM with {@code jcmd <pid> JVMTI.agent_load} when a scenario starts and dumps a flame
 * graph when it ends. Its {@code cpu} mode samples native and kernel frames too, which JFR's Java-only
 * samples miss. Profiling is best effort: a process it cannot attach to is reported, never fatal.
 */
final class ScenarioProfiler {

    private static final long JCMD_TIMEOUT_S = 30;

    private final Path library;
    private final Path directory;
    private final Map<String, Long> pids;
    private final String format;
    private final String event;

    /**
     * @param library   libasyncProfiler.so for this platform
     * @param directory where the profiles go: {@code <scenario>-<process>.<format>}
     * @param pids      the JVMs to profile, by name
     * @param format    {@code html} (flame graph) or {@code collapsed} (one line per stack, for grep)
     * @param event     {@code cpu}, {@code alloc} or {@code wall}
     */
    ScenarioProfiler(Path library, Path directory, Map<String, Long> pids, String format, String event) {
        if (!List.of("cpu", "alloc", "wall").contains(event)) {
            throw new IllegalArgumentException("profile event must be cpu, alloc or wall, not " + event);
        }
        this.library = library.toAbsolutePath();
        this.directory = directory.toAbsolutePath();
        this.pids = Map.copyOf(pids);
        this.format = format;
        this.event = event;
    }

    void start() {
        // wall samples every thread, running or not: a coarser interval keeps its cost down.
        String options = switch (event) {
            case "alloc" -> "start,event=alloc";
            case "wall" -> "start,event=wall,interval=20ms,threads";
            default -> "start,event=cpu,interval=5ms";
        };
        pids.forEach((name, pid) -> command(pid, name, options));
    }

    /** Stops every profile and returns the files written. */
    List<Path> stop(String scenario) throws IOException {
        Files.createDirectories(directory);
        List<Path> written = new ArrayList<>();
        pids.forEach((name, pid) -> {
            Path file = directory.resolve(scenario + "-" + name + "." + format);
            // An allocation profile counts bytes (total), not samples.
            String counter = event.equals("alloc") ? ",total" : "";
            if (command(pid, name, "stop," + format + counter + ",file=" + file)) {
                written.add(file);
            }
        });
        return written;
    }

    private boolean command(long pid, String name, String arguments) {
        // Quoted: jcmd would otherwise parse the agent's "k=v" options as its own named arguments.
        ProcessBuilder jcmd = new ProcessBuilder(
                        jcmd(), Long.toString(pid), "JVMTI.agent_load", library.toString(), '"' + arguments + '"')
                .redirectErrorStream(true);
        try {
            Process process = jcmd.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            // jcmd exits 0 even when the agent refuses; the agent's own return code is in its output.
            if (!process.waitFor(JCMD_TIMEOUT_S, TimeUnit.SECONDS)
                    || process.exitValue() != 0
                    || !output.contains("return code: 0")) {
                System.err.println("profiler: " + name + " (pid " + pid + ") refused '" + arguments + "': " + output);
                return false;
            }
            return true;
        } catch (IOException e) {
            System.err.println("profiler: cannot run jcmd for " + name + ": " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The jcmd of the JDK running the bench, when it has one. */
    private static String jcmd() {
        Path candidate = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        return Files.isExecutable(candidate) ? candidate.toString() : "jcmd";
    }
}
