package io.geokv.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Resident memory (VmRSS) of each geokv process after the other scenarios. Reported; no raw reference. */
final class MemoryScenario {

    static final String ID = "memory";

    private final BenchSettings s;

    private static final double GOAL_MIB = 1536;

    MemoryScenario(BenchSettings settings) {
        this.s = settings;
    }

    ScenarioResult run() {
        long started = System.nanoTime();
        Map<String, Object> figures = new LinkedHashMap<>();
        Map<String, Object> perProcess = new LinkedHashMap<>();
        long total = 0;
        int measured = 0;
        for (Map.Entry<String, Long> process : s.pids().entrySet()) {
            long rss = rssBytes(process.getValue());
            perProcess.put(process.getKey(), rss < 0 ? null : Figures.round(rss / 1048576.0, 1));
            if (rss >= 0) {
                total += rss;
                measured++;
            }
        }
        figures.put("rss_total_mib", Figures.round(total / 1048576.0, 1));
        figures.put("rss_mib", perProcess);
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("processes", s.pids().size());
        counts.put("processes_measured", measured);
        return new ScenarioResult(
                ID,
                "resident memory (VmRSS) of each process after the run, with the heap settings run-local gives users",
                figures,
                null,
                null,
                null,
                null,
                ScenarioResult.Goal.figureBelow("rss_total_mib", GOAL_MIB),
                null,
                counts,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** VmRSS of a process in bytes, or -1 when it cannot be read. */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
