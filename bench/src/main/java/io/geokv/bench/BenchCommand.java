package io.geokv.bench;

import io.geokv.naming.GeokvNames;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The benchmark CLI behind scripts/bench.sh. It expects a running geokv (broker, replication-streams,
 * api-gateway) plus PostgreSQL and Redis, all on this machine, runs the scenarios in order
 * (materialize, replay, write, read, read_uncached, lag, recovery, memory), writes the JSON report and prints a short table.
 */
@Command(
        name = "geokv-bench",
        mixinStandardHelpOptions = true,
        subcommands = {BenchCommand.Validate.class, BenchCommand.Merge.class},
        description = "Runs the geokv benchmark scenarios against a local geokv and writes a JSON report.")
public final class BenchCommand implements Callable<Integer> {

    /**
     * The most warmup an HTTP load gets beyond its first 30 s, and the materialize scenario beyond its
     * first round of events, while the JIT of the application measured is still busy (measured: about
     * 100 s of load before it calms down on two cores).
     */
    private static final Duration MAX_JIT_SETTLE = Duration.ofSeconds(150);

    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss");

    @Option(names = "--quick", description = "Every scenario small (the whole run in under 2 minutes).")
    boolean quick;

    @Option(
            names = "--only",
            split = ",",
            paramLabel = "ID",
            description = "Runs only these scenarios (comma-separated ids), for work on one of them; the"
                    + " report's mode is then partial.")
    Set<String> only = Set.of();

    @Option(
            names = "--gateway",
            defaultValue = "http://127.0.0.1:8009",
            description = "api-gateway base URL (loopback only).")
    String gateway;

    @Option(
            names = "--streams",
            defaultValue = "http://127.0.0.1:8010",
            description = "replication-streams base URL, for its replay actuator (loopback only).")
    String streams;

    @Option(
            names = "--bootstrap",
            defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap server (loopback only).")
    String bootstrap;

    @Option(
            names = "--cluster",
            paramLabel = "REGION=BOOTSTRAP",
            description = "The multi topology: each region's own Kafka cluster (loopback only). Only scenario "
                    + LagScenario.MULTI_ID + " runs against it.")
    Map<String, String> clusters = new LinkedHashMap<>();

    @Option(names = "--postgres-host", defaultValue = "127.0.0.1")
    String postgresHost;

    @Option(names = "--postgres-port", defaultValue = "5432")
    int postgresPort;

    @Option(names = "--postgres-user", defaultValue = "postgres")
    String postgresUser;

    @Option(
            names = "--database-prefix",
            defaultValue = "geokv_bench_",
            description = "geokv.database-prefix of the geokv under test; the raw reference uses the same databases.")
    String databasePrefix;

    @Option(
            names = "--regions",
            split = ",",
            description = "The regions of the geokv under test; default: geokv's default regions.")
    List<String> regions = GeokvNames.DEFAULT_REGIONS;

    @Option(names = "--redis-host", defaultValue = "127.0.0.1")
    String redisHost;

    @Option(names = "--redis-port", defaultValue = "6379")
    int redisPort;

    @Option(
            names = "--redis-database",
            defaultValue = "13",
            description = "Redis logical database redis-benchmark may use (the bench's own).")
    int redisDatabase;

    @Option(names = "--connections", defaultValue = "64")
    int connections;

    @Option(names = "--pid", description = "name=pid of a process whose resident memory to report (repeatable).")
    Map<String, Long> pids = new LinkedHashMap<>();

    @Option(names = "--output", description = "Result file (default: bench/results/<date>[-quick].json).")
    Path output;

    @Option(
            names = "--restarted-pid-file",
            description =
                    "Where recovery writes the pid of the replication-streams it restarted (for whoever stops it).")
    Path restartedPidFile;

    @Option(
            names = "--profiler-lib",
            description = "libasyncProfiler.so: profile every --pid process during each scenario.")
    Path profilerLibrary;

    @Option(
            names = "--profile-dir",
            defaultValue = "bench/tmp/profiles",
            description = "Where the profiles go (<scenario>-<process>.<format>).")
    Path profileDirectory;

    @Option(
            names = "--profile-format",
            defaultValue = "html",
            description = "html (flame graphs) or collapsed (one line per stack).")
    String profileFormat;

    @Option(
            names = "--profile-event",
            defaultValue = "cpu",
            description =
                    "What the profiles sample: cpu (CPU time), alloc (allocated bytes) or wall (wall-clock time, waits included).")
    String profileEvent;

    private ScenarioProfiler profiler;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws Exception {
        requireLoopback(URI.create(gateway).getHost(), "--gateway");
        requireLoopback(URI.create(streams).getHost(), "--streams");
        requireLoopback(bootstrap.substring(0, bootstrap.lastIndexOf(':')), "--bootstrap");
        requireLoopback(postgresHost, "--postgres-host");
        requireLoopback(redisHost, "--redis-host");
        for (String servers : clusters.values()) {
            requireLoopback(servers.substring(0, servers.lastIndexOf(':')), "--cluster");
        }
        if (!clusters.isEmpty() && !only.equals(Set.of(LagScenario.MULTI_ID))) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this),
                    "--cluster needs --only " + LagScenario.MULTI_ID + ": the other scenarios"
                            + " run against the single topology");
        }
        if (clusters.isEmpty() && only.contains(LagScenario.MULTI_ID)) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this),
                    LagScenario.MULTI_ID + " needs the multi topology (--cluster per region); scripts/bench.sh starts"
                            + " it after the other scenarios and merges the reports");
        }
        BenchSettings s = settings();
        if (profilerLibrary != null) {
            profiler = new ScenarioProfiler(profilerLibrary, profileDirectory, pids, profileFormat, profileEvent);
        }
        Instant startedAt = Instant.now();
        double loadAtStart = Machine.loadAverage();
        long t0 = System.nanoTime();
        Path file = output != null
                ? output
                : Path.of(
                        "bench",
                        "results",
                        LocalDateTime.now().format(FILE_TIME) + (quick ? "-quick" : "")
                                + (only.isEmpty() ? "" : "-partial") + ".json");
        for (String id : only) {
            if (!BenchReportValidator.REQUIRED_SCENARIOS.contains(id)) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this),
                        "--only: no scenario " + id + " (scenarios: " + BenchReportValidator.REQUIRED_SCENARIOS + ")");
            }
        }

        List<ScenarioResult> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        WrkLoad load = new WrkLoad(
                s.gatewayUrl(), s.connections(), s.warmup(), quick ? Duration.ZERO : MAX_JIT_SETTLE, s.measure());
        // materialize first: it needs the replication idle and its databases clean.
        attempt(
                failures,
                results,
                MaterializeScenario.ID,
                () -> new MaterializeScenario(s, quick ? Duration.ZERO : MAX_JIT_SETTLE).run());
        ScenarioResult replay = attempt(failures, results, ReplayScenario.ID, () -> new ReplayScenario(s).run());
        if (replay != null && Boolean.FALSE.equals(replay.figures().get("digest_equal"))) {
            failures.add(ReplayScenario.ID + ": the digest of "
                    + replay.figures().get("region") + " after the replay differs from "
                    + replay.figures().get("compared_with") + "'s");
        }
        // The HTTP ceiling is measured right before each HTTP scenario, so both see the same machine load
        // (and outside its profile, which then shows the scenario alone).
        WrkLoad.Result writeCeiling = selected(WriteScenario.ID) ? ceiling(failures, WriteScenario.ID, load) : null;
        if (writeCeiling != null) {
            attempt(failures, results, WriteScenario.ID, () -> new WriteScenario(s, load, writeCeiling).run());
        }
        WrkLoad.Result readCeiling = selected(ReadScenario.ID) ? ceiling(failures, ReadScenario.ID, load) : null;
        if (readCeiling != null) {
            attempt(failures, results, ReadScenario.ID, () -> new ReadScenario(s, load, readCeiling).run());
        }
        attempt(failures, results, ReadUncachedScenario.ID, () -> new ReadUncachedScenario(s, load).run());
        attempt(failures, results, RateLimitScenario.ID, () -> new RateLimitScenario(s, load).run());
        attempt(failures, results, BulkLoadScenario.ID, () -> new BulkLoadScenario(s).run());
        attempt(failures, results, ChangeFeedScenario.ID, () -> new ChangeFeedScenario(s).run());
        // lag_multi needs the multi topology (--cluster), every other scenario the single one.
        attempt(
                failures,
                results,
                s.multi() ? LagScenario.MULTI_ID : LagScenario.ID,
                () -> new LagScenario(s, quick ? Duration.ZERO : MAX_JIT_SETTLE).run());
        // After recovery the replication-streams to measure is the one it restarted.
        BenchSettings[] afterRecovery = {s};
        attempt(failures, results, RecoveryScenario.ID, () -> {
            Path pidFile =
                    restartedPidFile != null ? restartedPidFile : Path.of("bench", "tmp", "replication-streams.pid");
            RecoveryScenario.Outcome outcome = new RecoveryScenario(s, pidFile).run();
            afterRecovery[0] = s.withPid("replication-streams", outcome.restartedPid());
            return outcome.result();
        });
        attempt(failures, results, MemoryScenario.ID, () -> new MemoryScenario(afterRecovery[0]).run());

        Map<String, Object> report = BenchReport.build(
                only.isEmpty() ? (quick ? "quick" : "full") : (quick ? "quick-partial" : "partial"),
                startedAt,
                (System.nanoTime() - t0) / 1_000_000,
                Machine.current(),
                s.toMap(),
                results);
        // Other work on the machine skews every figure (ratios less than absolute numbers): say how busy it was.
        ((Map<String, Object>) report.get("machine"))
                .put("load_average_1m", Map.of("start", loadAtStart, "end", Machine.loadAverage()));
        if (!only.isEmpty()) {
            report.put("only", List.copyOf(only));
        }
        if (!failures.isEmpty()) {
            report.put("failures", failures);
        }
        BenchReport.write(file, report);
        System.out.print(BenchReport.table(results));
        System.out.println("report: " + file);
        for (String failure : failures) {
            System.err.println("FAILED " + failure);
        }
        return failures.isEmpty() ? 0 : 1;
    }

    /**
     * The gateway's constant endpoint ({@code GET /bench/ping}) under the same load shape: the HTTP
     * ceiling of the scenario {@code id}; null (and a failure of that scenario) when it cannot be measured.
     */
    private static WrkLoad.Result ceiling(List<String> failures, String id, WrkLoad load) {
        progress("measuring the HTTP ceiling (GET /bench/ping) for " + id);
        try {
            WrkLoad.Result ceiling = load.run("ceiling", """
                    request = function()
                      return wrk.format("GET", "/bench/ping")
                    end
                    """);
            if (ceiling.ok() == 0) {
                failures.add(id + ": GET /bench/ping never answered 2xx (errors: " + ceiling.errorsByKind() + ")");
                return null;
            }
            return ceiling;
        } catch (Exception e) {
            failures.add(id + ": the HTTP ceiling could not be measured: " + e);
            return null;
        }
    }

    private interface ScenarioRun {
        ScenarioResult run() throws Exception;
    }

    private boolean selected(String id) {
        return only.isEmpty() || only.contains(id);
    }

    /**
     * Runs one scenario (profiled when asked); its result, or null (and a failure) when it threw; null
     * too when {@code --only} leaves it out.
     */
    private ScenarioResult attempt(
            List<String> failures, List<ScenarioResult> results, String id, ScenarioRun scenario) {
        if (!selected(id)) {
            return null;
        }
        progress("scenario " + id);
        if (profiler != null) {
            profiler.start();
        }
        try {
            ScenarioResult result = scenario.run();
            results.add(result);
            progress("scenario " + id + " done in " + result.durationMs() + " ms");
            return result;
        } catch (Exception e) {
            failures.add(id + ": " + e);
            e.printStackTrace();
            return null;
        } finally {
            if (profiler != null) {
                try {
                    profiler.stop(id).forEach(file -> progress("profile: " + file));
                } catch (java.io.IOException e) {
                    progress("profiles of " + id + " not written: " + e.getMessage());
                }
            }
        }
    }

    private static void progress(String message) {
        System.err.println("[bench " + LocalDateTime.now().toLocalTime().withNano(0) + "] " + message);
    }

    private BenchSettings settings() {
        return new BenchSettings(
                quick,
                gateway.replaceAll("/+$", ""),
                streams.replaceAll("/+$", ""),
                bootstrap,
                postgresHost,
                postgresPort,
                postgresUser,
                System.getenv().getOrDefault("PGPASSWORD", ""),
                databasePrefix,
                List.copyOf(regions),
                redisHost,
                redisPort,
                redisDatabase,
                connections,
                200,
                quick ? 20_000 : 300_000,
                quick ? 5_000 : 30_000,
                quick ? Duration.ofSeconds(90) : Duration.ofMinutes(10),
                quick ? Duration.ofMinutes(3) : Duration.ofMinutes(10),
                quick ? Duration.ofSeconds(3) : Duration.ofSeconds(30),
                quick ? Duration.ofSeconds(5) : Duration.ofSeconds(30),
                quick ? 1_000 : 10_000,
                quick ? 100_000 : 1_000_000,
                quick ? 200 : 2_000,
                quick ? Duration.ofSeconds(10) : Duration.ofSeconds(60),
                Map.copyOf(pids),
                Map.copyOf(clusters));
    }

    /** The load generators target this machine only. */
    static void requireLoopback(String host, String option) throws Exception {
        if (host == null || !InetAddress.getByName(host).isLoopbackAddress()) {
            throw new CommandLine.ParameterException(
                    new CommandLine(new BenchCommand()),
                    option + " must point at this machine (127.0.0.1), not " + host);
        }
    }

    /**
     * {@code merge <report> <part>}: adds the scenarios (and failures) of a report made in the same
     * bench run against another deployment ({@link LagScenario#MULTI_ID}) to the report.
     */
    @Command(
            name = "merge",
            mixinStandardHelpOptions = true,
            description = "Adds the scenarios of a partial report of the same run to a report.")
    static final class Merge implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "REPORT")
        Path report;

        @Parameters(index = "1", paramLabel = "PART")
        Path part;

        @Override
        public Integer call() throws Exception {
            BenchReport.write(report, BenchReport.merge(BenchReport.read(report), BenchReport.read(part)));
            return 0;
        }
    }

    /** {@code validate <file>...}: exit 1 and list the problems when a result file is incomplete. */
    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            description = "Checks result files: every scenario with figures, a raw reference and a ratio.")
    static final class Validate implements Callable<Integer> {

        @Parameters(arity = "1..*", paramLabel = "FILE")
        List<Path> files;

        @Override
        public Integer call() {
            int bad = 0;
            for (Path file : files) {
                List<String> problems = BenchReportValidator.validate(file);
                if (problems.isEmpty()) {
                    System.out.println(file + ": complete");
                } else {
                    bad++;
                    problems.forEach(p -> System.err.println(file + ": " + p));
                }
            }
            return bad == 0 ? 0 : 1;
        }
    }
}
