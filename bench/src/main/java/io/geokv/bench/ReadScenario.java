package io.geokv.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cached {@code GET /kv} of K hot keys with C connections (each key always read in the region it was
 * written to, so its cache entry is hot). Raw references: the HTTP ceiling (the ratio's denominator)
 * and {@code redis-benchmark -t get} with the same client count and value size.
 */
final class ReadScenario {

    static final String ID = "read";

    private final BenchSettings s;
    private final WrkLoad load;
    private final WrkLoad.Result ceiling;

    ReadScenario(BenchSettings settings, WrkLoad load, WrkLoad.Result ceiling) {
        this.s = settings;
        this.load = load;
        this.ceiling = ceiling;
    }

    ScenarioResult run() throws Exception {
        long started = System.nanoTime();
        int k = s.hotKeys();
        List<String> regions = s.regions();
        HotKeys hot = HotKeys.written(s, "r", 11);
        int cached = hot.warm();

        // Each key is read in the region it was written to (key i in regions[i % R]).
        WrkLoad.Result geokv = load.run(
                ID,
                "local regions = {"
                        + String.join(", ", regions.stream().map(WrkLoad::lua).toList()) + "}\n"
                        + "local prefix = " + WrkLoad.lua("/kv/" + hot.prefix()) + "\n"
                        + "local hot = " + k + "\n"
                        + "local tenant = " + WrkLoad.lua(BenchSettings.TENANT) + "\n"
                        + """
                request = function()
                  local key = math.random(0, hot - 1)
                  return wrk.format("GET", prefix .. key, {["X-Region"] = regions[(key % #regions) + 1], ["X-Tenant"] = tenant})
                end
                """);

        Map<String, Object> redis = redisBenchmark();
        Map<String, Object> figures = geokv.figures();
        Object redisRps = redis.get("rps");
        if (redisRps instanceof Number n) {
            figures.put("ratio_to_redis_get", Figures.round(Figures.ratio(geokv.throughput(), n.doubleValue()), 4));
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("hot_keys", k);
        counts.put("hot_keys_cached", cached);
        counts.put("requests_ok", geokv.ok());
        counts.put("errors", geokv.errors());
        counts.put("connections", s.connections());
        counts.put("ceiling_requests_ok", ceiling.ok());
        return new ScenarioResult(
                ID,
                "cached GET /kv of " + k + " hot keys, " + s.connections() + " connections, " + s.valueSize()
                        + "-byte values",
                figures,
                new ScenarioResult.RawReference("http_ceiling_get_bench_ping", ceiling.figures()),
                List.of(new ScenarioResult.RawReference("redis_benchmark_get", redis)),
                Figures.ratio(geokv.throughput(), ceiling.throughput()),
                "throughput_rps / raw throughput_rps",
                ScenarioResult.Goal.ratioAtLeast(0.9),
                s.valueSize(),
                counts,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** redis-benchmark GET with the same client count on the bench's own Redis database; empty figures if absent. */
    private Map<String, Object> redisBenchmark() throws IOException, InterruptedException {
        Map<String, Object> m = new LinkedHashMap<>();
        List<String> common = List.of(
                "redis-benchmark",
                "-h",
                s.redisHost(),
                "-p",
                Integer.toString(s.redisPort()),
                "--dbnum",
                Integer.toString(s.redisDatabase()),
                "-c",
                Integer.toString(s.connections()),
                "-d",
                Integer.toString(s.valueSize()),
                "--csv");
        // The GET test reads the key the SET test writes: populate it first so GET returns a value.
        List<String> set = new ArrayList<>(common);
        set.addAll(List.of("-n", "1000", "-t", "set"));
        List<String> get = new ArrayList<>(common);
        get.addAll(List.of("-n", Integer.toString(s.redisRequests()), "-t", "get"));
        try {
            exec(set);
            String csv = exec(get);
            m.putAll(parseCsv(csv));
            m.put("requests", s.redisRequests());
            m.put("clients", s.connections());
        } catch (IOException e) {
            m.put("rps", null);
            m.put("error", "redis-benchmark not available: " + e.getMessage());
        }
        return m;
    }

    private static String exec(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within 120 s");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue());
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /**
     * Parses {@code --csv} output: either a header line ("test","rps","avg_latency_ms",...) then a row,
     * or (older versions) just {@code "GET","<rps>"}.
     */
    static Map<String, Object> parseCsv(String csv) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<String[]> rows = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            if (line.startsWith("\"")) {
                rows.add(line.replace("\"", "").split(","));
            }
        }
        String[] header =
                rows.stream().filter(r -> r[0].equals("test")).findFirst().orElse(null);
        String[] data = rows.stream()
                .filter(r -> r[0].toUpperCase().startsWith("GET"))
                .findFirst()
                .orElse(null);
        if (data == null) {
            throw new IllegalStateException("redis-benchmark printed no GET result: " + csv);
        }
        if (header == null) {
            m.put("rps", Double.parseDouble(data[1]));
            return m;
        }
        for (int i = 1; i < Math.min(header.length, data.length); i++) {
            String name = header[i].replace("_latency_ms", "_ms").replace("avg_ms", "mean_ms");
            m.put(name, Double.parseDouble(data[i]));
        }
        return m;
    }
}
