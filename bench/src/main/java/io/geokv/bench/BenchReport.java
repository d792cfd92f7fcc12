package io.geokv.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON file of one run ({@code bench/results/<date>[-quick].json}) and its short table.
 * <p>
 * Shape: {@code {schema_version, tool, mode, started_at, duration_ms, machine{cores, memory_bytes,
 * java_version, os}, settings{...}, scenarios[{id, description, figures, raw_reference{name, figures},
 * other_references, ratio, ratio_of, goal, goal_of, goal_met, record_size, counts, duration_ms}]}}. Later
 * scenarios (lag) are further entries of {@code scenarios}.
 */
public final class BenchReport {

    /**
     * 1: no lag scenario, goals were ratios only; 2: lag scenario, goal_of; 3: read_uncached, fair
     * references; 4: lag_multi in every full run; 5: rate_limits; 6: bulk_load; 7: change_feed.
     */
    public static final int SCHEMA_VERSION = 7;

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchReport() {}

    public static Map<String, Object> build(
            String mode,
            Instant startedAt,
            long durationMs,
            Machine machine,
            Map<String, Object> settings,
            List<ScenarioResult> results) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema_version", SCHEMA_VERSION);
        m.put("tool", "geokv scripts/bench.sh");
        m.put("mode", mode);
        m.put("started_at", startedAt.toString());
        m.put("duration_ms", durationMs);
        m.put("machine", machine.toMap());
        m.put("settings", settings);
        m.put("scenarios", results.stream().map(ScenarioResult::toMap).toList());
        return m;
    }

    public static String toJson(Map<String, Object> report) {
        try {
            return JSON.writeValueAsString(report);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize the report", e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), Map.class);
    }

    /**
     * {@code report} with the scenarios and failures of {@code part} added (a report of the same run
     * against another deployment), its settings under {@code settings.<first scenario id>}, and the
     * duration of both.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> merge(Map<String, Object> report, Map<String, Object> part) {
        Map<String, Object> merged = new LinkedHashMap<>(report);
        List<Object> scenarios = new ArrayList<>((List<Object>) report.get("scenarios"));
        List<Object> added = (List<Object>) part.get("scenarios");
        scenarios.addAll(added);
        merged.put("scenarios", scenarios);
        if (!added.isEmpty()) {
            Map<String, Object> settings = new LinkedHashMap<>((Map<String, Object>) report.get("settings"));
            settings.put(String.valueOf(((Map<String, Object>) added.get(0)).get("id")), part.get("settings"));
            merged.put("settings", settings);
        }
        if (report.get("only") instanceof List<?> only && part.get("only") instanceof List<?> partOnly) {
            List<Object> both = new ArrayList<>(only);
            both.addAll(partOnly);
            merged.put("only", both);
        }
        List<Object> failures = new ArrayList<>((List<Object>) report.getOrDefault("failures", List.of()));
        failures.addAll((List<Object>) part.getOrDefault("failures", List.of()));
        if (!failures.isEmpty()) {
            merged.put("failures", failures);
        }
        merged.put(
                "duration_ms",
                ((Number) report.get("duration_ms")).longValue() + ((Number) part.get("duration_ms")).longValue());
        return merged;
    }

    public static void write(Path file, Map<String, Object> report) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, toJson(report) + "\n");
    }

    /** A short aligned table: one line per scenario with its headline figure, reference, ratio and goal. */
    public static String table(List<ScenarioResult> results) {
        String format = "%-13s %-26s %-42s %7s %6s %4s%n";
        StringBuilder out = new StringBuilder(
                String.format(Locale.ROOT, format, "scenario", "geokv", "raw reference", "ratio", "goal", "met"));
        for (ScenarioResult r : results) {
            out.append(String.format(
                    Locale.ROOT,
                    format,
                    r.id(),
                    headline(r.figures()),
                    r.rawReference() == null
                            ? "-"
                            : shortName(r.rawReference().name()) + " "
                                    + headline(r.rawReference().figures()),
                    r.ratio() == null ? "-" : String.format(Locale.ROOT, "%.3f", r.ratio()),
                    r.goal() == null ? "-" : goal(r.goal()),
                    r.goalMet() == null ? "-" : r.goalMet() ? "yes" : "NO"));
        }
        return out.toString();
    }

    private static String goal(ScenarioResult.Goal goal) {
        if (goal.figure() == null) {
            return String.format(Locale.ROOT, "%.2f", goal.value());
        }
        String unit = goal.figure().endsWith("_ms") ? "ms" : goal.figure().endsWith("_mib") ? "MiB" : "s";
        return String.format(Locale.ROOT, "<%.0f%s", goal.value(), unit);
    }

    private static String shortName(String name) {
        return name.replace("http_ceiling_get_bench_ping", "http_ceiling");
    }

    private static String headline(Map<String, Object> figures) {
        for (String key : List.of(
                "records_per_s_per_region",
                "records_per_s",
                "rows_per_s_per_region",
                "throughput_rps",
                "rps",
                "seconds",
                "achieved_writes_per_s",
                "writes_per_s",
                "rate_per_s",
                "rss_total_mib")) {
            Object value = figures.get(key);
            if (value instanceof Number n && key.equals("seconds")) {
                return String.format(Locale.ROOT, "%.1f s", n.doubleValue());
            }
            if (value instanceof Number n) {
                String unit = key.equals("rss_total_mib") ? " MiB total" : "/s";
                String text = String.format(Locale.ROOT, "%.0f%s", n.doubleValue(), unit);
                Object p99 = figures.get("p99_ms");
                return p99 instanceof Number p
                        ? text + String.format(Locale.ROOT, " p99 %.1fms", p.doubleValue())
                        : text;
            }
        }
        return "-";
    }
}
