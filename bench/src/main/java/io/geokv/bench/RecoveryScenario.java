package io.geokv.bench;

import io.geokv.position.LogPositions;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code kill -9} of replication-streams under a steady open-loop load of {@code PUT /kv}, then its
 * restart with the same command line: the seconds from the restart until every region has applied
 * everything the log held at that moment, while the load goes on. Afterwards every acknowledged write
 * of the run must be applied everywhere. No raw reference: the figure is absolute.
 */
final class RecoveryScenario {

    static final String ID = "recovery";
    private static final String STREAMS = "replication-streams";
    private static final double GOAL_SECONDS = 10;

    private final BenchSettings s;
    private final Path pidFile;

    /** @param pidFile where the restarted replication-streams' pid is written, for whoever stops it later */
    RecoveryScenario(BenchSettings settings, Path pidFile) {
        this.s = settings;
        this.pidFile = pidFile;
    }

    /** The result, and the pid of the restarted replication-streams. */
    record Outcome(ScenarioResult result, long restartedPid) {}

    Outcome run() throws Exception {
        long started = System.nanoTime();
        Long pid = s.pids().get(STREAMS);
        if (pid == null) {
            throw new IllegalStateException("recovery needs the pid of " + STREAMS + " (--pid " + STREAMS + "=...)");
        }
        ProcessHandle victim = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalStateException(STREAMS + " (pid " + pid + ") is not running"));
        Path proc = Path.of("/proc", Long.toString(pid));
        List<String> command = Arrays.asList(
                new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).split("\0"));
        File workingDirectory = Files.readSymbolicLink(proc.resolve("cwd")).toFile();
        File log = Files.readSymbolicLink(proc.resolve("fd/1")).toFile();

        int rate = s.quick() ? 100 : 500;
        Duration load = s.quick() ? Duration.ofSeconds(20) : Duration.ofSeconds(60);
        Duration beforeKill = s.quick() ? Duration.ofSeconds(4) : Duration.ofSeconds(15);
        String prefix = "bench-k-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        OpenLoopWrites writer = new OpenLoopWrites(s);

        try (EventPipeline pipeline = new EventPipeline(s)) {
            CompletableFuture<OpenLoopWrites.Result> writes = CompletableFuture.supplyAsync(() -> {
                try {
                    return writer.run(prefix, rate, load, () -> false);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(beforeKill.toMillis());
            victim.destroyForcibly();
            if (!victim.onExit().toCompletableFuture().isDone()) {
                victim.onExit().get(30, TimeUnit.SECONDS);
            }
            Process restarted = new ProcessBuilder(command)
                    .directory(workingDirectory)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                    .start();
            long restartedAt = System.nanoTime();
            Files.writeString(pidFile, Long.toString(restarted.pid()));
            LogPositions atRestart = pipeline.ends();
            long healthyNanos = awaitHealthy(restartedAt) - restartedAt;
            Map<String, Long> applied =
                    pipeline.awaitApplied(s.regions(), atRestart, restartedAt, s.materializeTimeout());
            OpenLoopWrites.Result result = writes.get(load.toSeconds() + 120, TimeUnit.SECONDS);
            LogPositions end = pipeline.ends();
            Map<String, Long> caughtUp =
                    pipeline.awaitApplied(s.regions(), end, System.nanoTime(), s.materializeTimeout());
            long slowest =
                    applied.values().stream().mapToLong(Long::longValue).max().orElse(0);
            boolean complete = !applied.containsValue(0L) && !caughtUp.containsValue(0L);
            if (!complete) {
                throw new IllegalStateException("after the restart not every region applied the log within "
                        + s.materializeTimeout().toSeconds() + " s: " + applied + " then " + caughtUp);
            }
            long missing = missingRows(prefix, result);

            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("seconds", Figures.round(slowest / 1e9, 3));
            Map<String, Object> perRegion = new LinkedHashMap<>();
            applied.forEach((region, nanos) -> perRegion.put(region, Figures.round(nanos / 1e9, 3)));
            figures.put("region_applied_s", perRegion);
            figures.put("restart_to_healthy_s", Figures.round(healthyNanos / 1e9, 3));
            figures.put("load_writes_per_s", rate);
            figures.put("achieved_writes_per_s", Figures.round(result.achievedRate(), 1));
            figures.put("acknowledged_writes_missing", missing);
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("writes_offered", result.offered());
            counts.put("writes_acknowledged", result.acknowledged());
            counts.put("write_errors", result.errors());
            if (missing > 0) {
                throw new IllegalStateException(missing + " acknowledged writes are missing after the recovery");
            }
            return new Outcome(
                    new ScenarioResult(
                            ID,
                            STREAMS + " killed (SIGKILL) under " + rate + " PUT /kv per s and restarted at once;"
                                    + " seconds from the restart until every region applied what the log held then",
                            figures,
                            null,
                            null,
                            null,
                            null,
                            ScenarioResult.Goal.figureBelow("seconds", GOAL_SECONDS),
                            s.valueSize(),
                            counts,
                            (System.nanoTime() - started) / 1_000_000),
                    restarted.pid());
        }
    }

    /** When the restarted process's health endpoint first answered 200 (System.nanoTime). */
    private long awaitHealthy(long since) throws Exception {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(s.streamsUrl() + "/actuator/health"))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
        long deadline = since + s.materializeTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return System.nanoTime();
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the restarted " + STREAMS + " was not healthy within "
                + s.materializeTimeout().toSeconds() + " s");
    }

    /** Acknowledged writes of the run that some region does not hold (every region holds every key). */
    private long missingRows(String prefix, OpenLoopWrites.Result result) throws Exception {
        long missing = 0;
        for (String region : s.regions()) {
            try (var c = s.connect(region);
                    var ps = c.prepareStatement("SELECT count(*) FROM kv_state WHERE tenant = ? AND key LIKE ?")) {
                ps.setString(1, BenchSettings.TENANT);
                ps.setString(2, prefix + "%");
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    missing += Math.max(0, result.acknowledged() - rs.getLong(1));
                }
            }
        }
        return missing;
    }
}
