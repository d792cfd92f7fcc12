package io.geokv.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP load generator: {@code wrk}, a native closed-loop generator in its own process, with
 * {@link #THREADS} threads and C connections (at most C requests in flight). Each run is a warmup
 * (discarded) then the measured run, each one wrk process bounded by a timeout. The request shape
 * comes from a Lua script; its {@code done} hook prints one JSON line ({@link #RESULT_PREFIX}) with
 * the request count, the duration and the latency percentiles, which this class parses.
 * Non-2xx answers ({@code summary.errors.status}, which wrk counts for status 400 and above) are
 * errors, not throughput. Closed loop: no coordinated-omission correction.
 */
final class WrkLoad {

    static final int THREADS = 2;
    static final String RESULT_PREFIX = "GEOKV_WRK_RESULT ";
    /** A request slower than this is a timeout error (wrk's default, 2 s, would cut the tail off). */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    /** Beyond the run's own duration: start-up, the last requests in flight, the summary. */
    private static final Duration PROCESS_SLACK = Duration.ofSeconds(30);
    /** The extra warmup rounds while the gateway's JIT is still busy. */
    private static final Duration SETTLE_ROUND = Duration.ofSeconds(10);

    /** The {@code done} hook every script ends with: one machine-readable line. */
    private static final String DONE_HOOK = """
            function done(summary, latency, requests)
              local e = summary.errors
              io.write(string.format('%s{"requests":%.0f,"duration_us":%.0f,'
                .. '"errors":{"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f},'
                .. '"latency_us":{"p50":%.0f,"p99":%.0f,"p99_9":%.0f,"max":%.0f,"mean":%.1f}}\\n',
                "%PREFIX%", summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
                latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean))
            end
            """.replace("%PREFIX%", RESULT_PREFIX);

    /**
     * What one measured run gave; latencies in microseconds. {@code requests} counts every answer
     * wrk completed, {@code statusErrors} the non-2xx ones among them.
     */
    record Result(
            long requests,
            long durationMicros,
            Map<String, Long> errorsByKind,
            long p50Micros,
            long p99Micros,
            long p999Micros,
            long maxMicros,
            double meanMicros,
            String generator,
            Warmup warmup) {

        Result withWarmup(Warmup done) {
            return new Result(
                    requests,
                    durationMicros,
                    errorsByKind,
                    p50Micros,
                    p99Micros,
                    p999Micros,
                    maxMicros,
                    meanMicros,
                    generator,
                    done);
        }

        long statusErrors() {
            return errorsByKind.getOrDefault("status", 0L);
        }

        /** Answered with 2xx (wrk counts status errors among its completed requests). */
        long ok() {
            return Math.max(0, requests - statusErrors());
        }

        long errors() {
            return errorsByKind.values().stream().mapToLong(Long::longValue).sum();
        }

        double throughput() {
            return Figures.perSecond(ok(), TimeUnit.MICROSECONDS.toNanos(durationMicros));
        }

        Map<String, Object> figures() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("throughput_rps", Figures.round(throughput(), 1));
            m.putAll(Figures.latencies(p50Micros, p99Micros, p999Micros, maxMicros, meanMicros));
            m.put("requests_ok", ok());
            m.put("errors", errors());
            m.put("errors_by_kind", errorsByKind);
            m.put("measured_s", Figures.round(durationMicros / 1e6, 3));
            m.put("load_generator", generator);
            if (warmup != null) {
                m.put("warmup_s", Figures.round(warmup.seconds(), 1));
                if (warmup.compilationMsPerSecond() >= 0) {
                    m.put(
                            "jit_compilation_ms_per_s_before_measuring",
                            Figures.round(warmup.compilationMsPerSecond(), 1));
                }
            }
            return m;
        }
    }

    /**
     * The warmup a measured run had: its seconds of load in all (shared by the runs warmed together),
     * and how many milliseconds per second the gateway's JIT compiled during the last warmup round
     * (-1 when unknown).
     */
    record Warmup(double seconds, double compilationMsPerSecond) {}

    private final String baseUrl;
    private final int connections;
    private final Duration warmup;
    private final Duration maxSettle;
    private final Duration measure;
    private final JitCompilation jit;

    /**
     * @param warmup    the first warmup of each request script
     * @param maxSettle the most further warmup, in rounds of {@link #SETTLE_ROUND}, while the gateway's
     *                  JIT still compiles more than {@link JitCompilation#SETTLED_MS_PER_S}
     */
    WrkLoad(String baseUrl, int connections, Duration warmup, Duration maxSettle, Duration measure) {
        this.baseUrl = baseUrl;
        this.connections = connections;
        this.warmup = warmup;
        this.maxSettle = maxSettle;
        this.measure = measure;
        this.jit = JitCompilation.of(baseUrl);
    }

    String generator() {
        return "wrk " + THREADS + " threads " + connections + " connections";
    }

    /**
     * Runs the warmup (discarded), then the measured run, with {@code requestScript}: Lua that defines
     * {@code request()} (and may use the globals {@code id}, this wrk thread's number from 1, and
     * {@code phase}, "warmup" or "measure", to keep generated keys unique across threads and runs; both are
     * set before {@code init}, not while the script loads; {@code math.random} is seeded per thread).
     */
    Result run(String name, String requestScript) throws IOException, InterruptedException {
        return runWarmedTogether(Map.of(name, requestScript)).get(0);
    }

    /** One measured run of {@code requestScript}, without a warmup: for a load already warmed by {@link #run}. */
    Result measure(String name, String requestScript) throws IOException, InterruptedException {
        Path script = Files.createTempFile("geokv-bench-" + name + "-", ".lua");
        try {
            Files.writeString(script, script(requestScript), StandardCharsets.UTF_8);
            return runOnce(script, "measure", measure);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /**
     * Like {@link #run} for several request scripts that are compared with each other: every warmup
     * first, then every measured run, in the order given, so that none is measured on a JVM the others'
     * load has warmed up more (the JIT compiles the paths they share, the gateway's HTTP stack, for
     * whichever runs first). After the warmups, further rounds of the scripts in turn run until the
     * gateway's JIT has settled (or {@code maxSettle} has passed): otherwise its compilers, which take
     * about a core for a minute or two, would still be at work in the first measured run and not in
     * the last, and the comparison would measure them.
     */
    List<Result> runWarmedTogether(Map<String, String> requestScripts) throws IOException, InterruptedException {
        Map<String, Path> scripts = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> e : requestScripts.entrySet()) {
                Path script = Files.createTempFile("geokv-bench-" + e.getKey() + "-", ".lua");
                scripts.put(e.getKey(), script);
                Files.writeString(script, script(e.getValue()), StandardCharsets.UTF_8);
            }
            long started = System.nanoTime();
            double compilationMsPerSecond = -1;
            for (Path script : scripts.values()) {
                compilationMsPerSecond = compilationRate(script, "warmup", warmup);
            }
            List<Path> inTurn = new ArrayList<>(scripts.values());
            for (int round = 0;
                    JitCompilation.busy(compilationMsPerSecond)
                            && Duration.ofNanos(System.nanoTime() - started).compareTo(warmup.plus(maxSettle)) < 0;
                    round++) {
                compilationMsPerSecond =
                        compilationRate(inTurn.get(round % inTurn.size()), "settle" + round, SETTLE_ROUND);
            }
            Warmup done = new Warmup((System.nanoTime() - started) / 1e9, compilationMsPerSecond);
            List<Result> results = new ArrayList<>();
            for (Path script : scripts.values()) {
                results.add(runOnce(script, "measure", measure).withWarmup(done));
            }
            return results;
        } finally {
            for (Path script : scripts.values()) {
                Files.deleteIfExists(script);
            }
        }
    }

    /** Runs a warmup round; the gateway's compilation milliseconds per second during it, -1 if unknown. */
    private double compilationRate(Path script, String phase, Duration duration)
            throws IOException, InterruptedException {
        long before = jit.millis();
        long started = System.nanoTime();
        runOnce(script, phase, duration);
        return jit.ratePerSecond(before, System.nanoTime() - started);
    }

    /** The whole script: thread numbering, the phase from wrk's script arguments, the request, the result line. */
    static String script(String requestScript) {
        return """
                local threads = 0
                function setup(thread)
                  threads = threads + 1
                  thread:set("id", threads)
                end
                phase = "run"
                function init(args)
                  if args[1] ~= nil then phase = args[1] end
                  math.randomseed(os.time() * 100 + id)
                end
                """ + requestScript + "\n" + DONE_HOOK;
    }

    /** A Lua string literal of any ASCII text. */
    static String lua(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }

    private Result runOnce(Path script, String phase, Duration duration) throws IOException, InterruptedException {
        long seconds = Math.max(1, duration.toSeconds());
        List<String> command = new ArrayList<>(List.of(
                "wrk",
                "-t",
                Integer.toString(THREADS),
                "-c",
                Integer.toString(connections),
                "-d",
                seconds + "s",
                "--timeout",
                REQUEST_TIMEOUT.toSeconds() + "s",
                "-s",
                script.toString(),
                baseUrl,
                "--",
                phase));
        Path output = Files.createTempFile("geokv-bench-wrk-", ".out");
        try {
            Process process;
            try {
                process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
            } catch (IOException e) {
                throw new IOException("wrk is not available (Debian: apt-get install wrk): " + e.getMessage(), e);
            }
            long limit = seconds + PROCESS_SLACK.toSeconds();
            if (!process.waitFor(limit, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IOException("wrk did not finish within " + limit + " s (" + phase + ")");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException("wrk exited with " + process.exitValue() + " (" + phase + "): " + text.strip());
            }
            return parse(text, generator());
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Reads the result line the {@code done} hook printed. */
    static Result parse(String output, String generator) throws IOException {
        String line = output.lines()
                .filter(l -> l.startsWith(RESULT_PREFIX))
                .findFirst()
                .orElseThrow(() -> new IOException("wrk printed no result line: " + output.strip()));
        JsonNode root = BenchReport.JSON.readTree(line.substring(RESULT_PREFIX.length()));
        Map<String, Long> errors = new LinkedHashMap<>();
        for (String kind : List.of("connect", "read", "write", "status", "timeout")) {
            errors.put(kind, root.path("errors").path(kind).asLong());
        }
        JsonNode latency = root.path("latency_us");
        return new Result(
                root.path("requests").asLong(),
                root.path("duration_us").asLong(),
                errors,
                latency.path("p50").asLong(),
                latency.path("p99").asLong(),
                latency.path("p99_9").asLong(),
                latency.path("max").asLong(),
                latency.path("mean").asDouble(),
                generator,
                null);
    }
}
